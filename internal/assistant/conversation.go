package assistant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"sync"
	"time"
)

// Conversation bounds.
const (
	DefaultConversationTTL  = 30 * time.Minute
	DefaultMaxTurns         = 10
	DefaultMaxConversations = 10_000
)

// turn is one question of a conversation, as understood, and the offers
// its answer was about.
type turn struct {
	question Question
	offers   []string
}

type conversation struct {
	turns   []turn
	expires time.Time
}

// conversations keeps the recent turns of each conversation in memory,
// for follow-up questions: at most maxTurns per conversation, forgotten
// ttl after their last question, at most max conversations (the oldest
// forgotten first). Nothing personal is kept: questions as understood and
// offer ids.
type conversations struct {
	mu       sync.Mutex
	byID     map[string]*conversation
	ttl      time.Duration
	maxTurns int
	max      int
	now      func() time.Time
}

func newConversations(ttl time.Duration, maxTurns, max int, now func() time.Time) *conversations {
	return &conversations{byID: map[string]*conversation{}, ttl: ttl, maxTurns: maxTurns, max: max, now: now}
}

var conversationIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// validConversationID reports whether id may name a conversation.
func validConversationID(id string) bool { return conversationIDRE.MatchString(id) }

func newConversationID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// last returns the last turn of the conversation, if it is alive.
func (c *conversations) last(id string) (turn, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conv, ok := c.byID[id]
	if !ok || c.now().After(conv.expires) || len(conv.turns) == 0 {
		return turn{}, false
	}
	return conv.turns[len(conv.turns)-1], true
}

// add records a turn.
func (c *conversations) add(id string, t turn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	conv, ok := c.byID[id]
	if !ok || now.After(conv.expires) {
		if len(c.byID) >= c.max {
			c.evictLocked(now)
		}
		conv = &conversation{}
		c.byID[id] = conv
	}
	conv.turns = append(conv.turns, t)
	if len(conv.turns) > c.maxTurns {
		conv.turns = conv.turns[len(conv.turns)-c.maxTurns:]
	}
	conv.expires = now.Add(c.ttl)
}

// evictLocked drops the expired conversations, and the one expiring first
// when none has.
func (c *conversations) evictLocked(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for id, conv := range c.byID {
		if now.After(conv.expires) {
			delete(c.byID, id)
			continue
		}
		if oldest == "" || conv.expires.Before(oldestAt) {
			oldest, oldestAt = id, conv.expires
		}
	}
	if len(c.byID) >= c.max && oldest != "" {
		delete(c.byID, oldest)
	}
}

// Converse asks the questions in turn in one new conversation, as a
// candidate would, and returns the answer to the last.
func (a *Assistant) Converse(ctx context.Context, questions []string) (Answer, error) {
	var ans Answer
	conv := newConversationID()
	for _, q := range questions {
		var err error
		if ans, err = a.Ask(ctx, Request{Question: q, ConversationID: conv}, Stream{}); err != nil {
			return Answer{}, err
		}
	}
	return ans, nil
}
