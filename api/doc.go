// Package api is the HTTP interface of offres, JSON under /api/v1, built on
// fiber v2 (the only package that imports it). New builds the app so tests
// drive it with app.Test; every route is declared once in the routes table,
// with its access class, and every error becomes
// {"error":{"code","message"}} in one ErrorHandler.
package api
