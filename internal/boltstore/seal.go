package boltstore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Profiles are personal data that must be gone once deleted. bbolt never
// overwrites a page in place: a deleted record stays in a free page of the
// file until the page is reused, so neither deleting nor overwriting it
// erases it. Each profile is therefore sealed (AES-256-GCM) with a key of
// its own, kept in a slot of a small key file beside the data file; the
// slot is overwritten with zeros in place when the profile is deleted (or
// replaced), which leaves what lingers in the data file unreadable. The
// key file holds random keys only, never profile text.
//
// A sealed record is sealMagic, the slot (8 bytes, big-endian), the nonce,
// then the ciphertext of the record's JSON, authenticated with the
// profile's bucket key. Records written before sealing (JSON) still read.

const (
	sealMagic = 0x01
	keySize   = 32
)

var errKeyErased = errors.New("profile key erased")

// keySlots is the key file: slot i holds the 32-byte key at offset 32·i;
// an all-zero slot is free.
type keySlots struct {
	mu   sync.Mutex
	f    *os.File
	n    int64   // slots in the file
	free []int64 // zero slots
}

func openKeySlots(path string) (*keySlots, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("profile keys: %w", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("profile keys: %w", err)
	}
	k := &keySlots{f: f, n: int64(len(b) / keySize)}
	var zero [keySize]byte
	for i := int64(0); i < k.n; i++ {
		if bytes.Equal(b[i*keySize:(i+1)*keySize], zero[:]) {
			k.free = append(k.free, i)
		}
	}
	return k, nil
}

// alloc writes a new random key to a free slot, durably.
func (k *keySlots) alloc() (int64, []byte, error) {
	key := make([]byte, keySize)
	rand.Read(key)
	k.mu.Lock()
	defer k.mu.Unlock()
	slot := k.n
	if len(k.free) > 0 {
		slot = k.free[len(k.free)-1]
	}
	if _, err := k.f.WriteAt(key, slot*keySize); err != nil {
		return 0, nil, fmt.Errorf("profile keys: %w", err)
	}
	if err := k.f.Sync(); err != nil {
		return 0, nil, fmt.Errorf("profile keys: %w", err)
	}
	if slot == k.n {
		k.n++
	} else {
		k.free = k.free[:len(k.free)-1]
	}
	return slot, key, nil
}

func (k *keySlots) get(slot int64) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if slot < 0 || slot >= k.n {
		return nil, errKeyErased
	}
	key := make([]byte, keySize)
	if _, err := k.f.ReadAt(key, slot*keySize); err != nil {
		return nil, fmt.Errorf("profile keys: %w", err)
	}
	if bytes.Equal(key, make([]byte, keySize)) {
		return nil, errKeyErased
	}
	return key, nil
}

// erase overwrites slots with zeros, in place, durably.
func (k *keySlots) erase(slots ...int64) error {
	if len(slots) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var zero [keySize]byte
	for _, slot := range slots {
		if slot < 0 || slot >= k.n {
			continue
		}
		if _, err := k.f.WriteAt(zero[:], slot*keySize); err != nil {
			return fmt.Errorf("profile keys: %w", err)
		}
		k.free = append(k.free, slot)
	}
	if err := k.f.Sync(); err != nil {
		return fmt.Errorf("profile keys: %w", err)
	}
	return nil
}

// keep erases every slot but those in use: the keys of profiles deleted
// by a process that stopped before erasing them.
func (k *keySlots) keep(inUse map[int64]bool) error {
	k.mu.Lock()
	free := map[int64]bool{}
	for _, s := range k.free {
		free[s] = true
	}
	var stale []int64
	for i := int64(0); i < k.n; i++ {
		if !inUse[i] && !free[i] {
			stale = append(stale, i)
		}
	}
	k.mu.Unlock()
	return k.erase(stale...)
}

func (k *keySlots) close() error { return k.f.Close() }

// seal encrypts plain with a new key bound to aad.
func (k *keySlots) seal(plain, aad []byte) ([]byte, int64, error) {
	slot, key, err := k.alloc()
	if err != nil {
		return nil, 0, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, 0, err
	}
	out := make([]byte, 1+8+aead.NonceSize(), 1+8+aead.NonceSize()+len(plain)+aead.Overhead())
	out[0] = sealMagic
	binary.BigEndian.PutUint64(out[1:9], uint64(slot))
	rand.Read(out[9 : 9+aead.NonceSize()])
	return aead.Seal(out, out[9:9+aead.NonceSize()], plain, aad), slot, nil
}

// open decrypts a sealed record; a record that is not sealed is returned
// as it is.
func (k *keySlots) open(rec, aad []byte) ([]byte, error) {
	slot, sealed := sealedSlot(rec)
	if !sealed {
		return rec, nil
	}
	key, err := k.get(slot)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	if len(rec) < 9+ns {
		return nil, errors.New("sealed record too short")
	}
	return aead.Open(nil, rec[9:9+ns], rec[9+ns:], aad)
}

// sealedSlot returns the key slot of a sealed record.
func sealedSlot(rec []byte) (int64, bool) {
	if len(rec) < 9 || rec[0] != sealMagic {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(rec[1:9])), true
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
