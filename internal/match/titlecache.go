package match

import (
	"sync"

	"offres/internal/rome"
)

// titleJobs caches what offers' titles say of their jobs: NormalizeTitle
// costs about 45 µs a title (rome.BenchmarkNormalizeTitle), /match explains
// up to three hundred offers a request, and their titles recur from one
// request to the next. It is safe for concurrent use.
type titleJobs struct {
	mu sync.Mutex
	m  map[string]titleJob
}

// titleJob is what an offer's title says of its job.
type titleJob struct {
	job     string       // the part of the title that names the job (jobTitle)
	matches []rome.Match // the appellations of job, best first; nil without the referential
}

// maxTitleJobs bounds the cache; it starts again empty when full.
const maxTitleJobs = 8192

// offerTitle returns what an offer's title says of its job.
func (m *Matcher) offerTitle(title string) titleJob {
	c := m.titleJobs
	c.mu.Lock()
	tj, ok := c.m[title]
	c.mu.Unlock()
	if ok {
		return tj
	}
	tj.job = m.jobTitle(title)
	if m.rome != nil {
		tj.matches = m.rome.NormalizeTitle(tj.job)
	}
	c.mu.Lock()
	if len(c.m) >= maxTitleJobs {
		c.m = map[string]titleJob{}
	}
	c.m[title] = tj
	c.mu.Unlock()
	return tj
}
