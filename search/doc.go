// Package search answers search and suggestion requests over the offers:
// it validates requests, judges deadlines against today in Nouméa, asks the
// keyword index it is given, and keeps the in-memory completion list used for
// search-as-you-type.
package search
