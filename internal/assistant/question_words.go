// The word lists of the question understanding, kept in the data files of
// words/ (as the lexicon package keeps its synonyms).

package assistant

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strings"
	"sync"
)

//go:embed words/*.txt
var wordFiles embed.FS

// wordFile is one parsed file of words/: its sections in order, each with
// its phrases.
type wordFile struct {
	order    []string
	sections map[string][]string
}

// parseWords reads a word file: a « [name] » line starts a section, the
// other lines hold phrases separated by commas, « # » starts a comment.
func parseWords(name string, data []byte) (wordFile, error) {
	f := wordFile{sections: map[string][]string{}}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
			if _, dup := f.sections[section]; dup || section == "" {
				return f, fmt.Errorf("%s:%d: empty or repeated section %q", name, n, section)
			}
			f.order = append(f.order, section)
			f.sections[section] = nil
		case section == "":
			return f, fmt.Errorf("%s:%d: phrases before any section", name, n)
		default:
			for _, w := range strings.Split(line, ",") {
				if w = strings.TrimSpace(w); w != "" {
					f.sections[section] = append(f.sections[section], w)
				}
			}
		}
	}
	return f, sc.Err()
}

var loadedWords sync.Map // file name → wordFile

// words returns the phrases of a section of an embedded word file. The
// files are part of the binary and checked by the tests: a missing file or
// section is a programming error, and panics.
func words(file, section string) []string {
	v, ok := loadedWords.Load(file)
	if !ok {
		data, err := wordFiles.ReadFile("words/" + file)
		if err != nil {
			panic(err)
		}
		f, err := parseWords(file, data)
		if err != nil {
			panic(err)
		}
		v, _ = loadedWords.LoadOrStore(file, f)
	}
	ws, ok := v.(wordFile).sections[section]
	if !ok {
		panic(fmt.Sprintf("words/%s: no section %q", file, section))
	}
	return ws
}
