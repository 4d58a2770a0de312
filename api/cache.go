package api

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// searchCache keeps the JSON of recent searches. A portal's visitors ask
// the same few searches over and over (the first page of « infirmier », a
// commune's offers), and a hybrid search costs milliseconds of CPU where
// sending stored bytes costs microseconds. An entry is keyed by the
// request's parameters, the day in Nouméa (deadlines close at midnight)
// and the index's generation, which every import and deletion changes: a
// cached page never shows a deleted or outdated offer. Entries also expire
// after a TTL, so that vectors embedded since (which change no generation)
// reach the hybrid results soon.
type searchCache struct {
	lru *expirable.LRU[string, []byte]
}

func newSearchCache(entries int, ttl time.Duration) *searchCache {
	if entries <= 0 {
		return nil
	}
	return &searchCache{lru: expirable.NewLRU[string, []byte](entries, nil, ttl)}
}

// key is the cache key of a request: the day, the generation, and the
// query parameters in a canonical order.
func (sc *searchCache) key(c *fiber.Ctx, day string, gen uint64) string {
	params := []string{day, strconv.FormatUint(gen, 10)}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		params = append(params, string(k)+"="+string(v))
	})
	slices.Sort(params[2:])
	return strings.Join(params, "&")
}

func (sc *searchCache) get(key string) ([]byte, bool) { return sc.lru.Get(key) }

func (sc *searchCache) put(key string, body []byte) { sc.lru.Add(key, body) }
