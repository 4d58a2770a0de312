package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"offres/internal/offres"
)

func TestKeys(t *testing.T) {
	k, token, err := NewKey("Recrutement DSIN", offres.RoleRecruiter, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(k.Hash, strings.TrimPrefix(token, "ofr_"+k.ID+"_")) {
		t.Fatal("the secret is stored")
	}
	id, secret, ok := Parse(token)
	if !ok || id != k.ID || !Verify(k, secret) {
		t.Fatalf("token %q does not verify", token)
	}
	if Verify(k, secret[:47]+"0") && secret[47] != '0' {
		t.Error("a wrong secret verifies")
	}
	other, _, _ := NewKey("Autre", offres.RoleRecruiter, time.Now())
	if Verify(other, secret) {
		t.Error("the secret verifies another key")
	}
	for _, bad := range []string{"", "ofr_", "Bearer x", "ofr_" + k.ID, "ofr_" + k.ID + "_short", "xyz_" + strings.TrimPrefix(token, "ofr_")} {
		if _, _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, _, err := NewKey("x", "admin", time.Now()); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("unknown role: %v", err)
	}
	if _, _, err := NewKey(" ", offres.RoleRecruiter, time.Now()); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
}
