package config

import (
	"flag"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Setting describes one setting, from the tags of its field in Config.
type Setting struct {
	Key    string // in the file, with its table: "llm.temperature"
	Env    string // environment variable: "OFFRES_LLM_TEMPERATURE"
	Flag   string // command-line flag without its dashes, "" when it has none
	Doc    string
	Secret bool
	index  []int // of the field in Config
}

// Settings lists every setting, in the order of Config.
func Settings() []Setting { return slices.Clone(allSettings()) }

var allSettings = sync.OnceValue(func() []Setting {
	return walk(reflect.TypeFor[Config](), "", nil)
})

func walk(t reflect.Type, table string, index []int) []Setting {
	var out []Setting
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if table != "" {
			key = table + "." + key
		}
		idx := append(slices.Clone(index), i)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
			out = append(out, walk(f.Type, key, idx)...)
			continue
		}
		out = append(out, Setting{Key: key, Env: f.Tag.Get("env"), Flag: f.Tag.Get("flag"), Doc: f.Tag.Get("doc"),
			Secret: f.Tag.Get("secret") == "true", index: idx})
	}
	return out
}

// lookup returns the setting of a key.
func lookup(key string) (Setting, bool) {
	i := slices.IndexFunc(allSettings(), func(s Setting) bool { return s.Key == key })
	if i < 0 {
		return Setting{}, false
	}
	return allSettings()[i], true
}

func (s Setting) field(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(s.index)
}

// Format returns the setting's value in c as text: lists comma-separated,
// secrets masked.
func (s Setting) Format(c *Config) string {
	v := s.field(c)
	var text string
	switch x := v.Interface().(type) {
	case []string:
		text = strings.Join(x, ",")
	case Duration:
		if x.Duration != 0 {
			text = x.String()
		}
	case int, float64:
		if !v.IsZero() {
			text = fmt.Sprint(x)
		}
	default:
		text = fmt.Sprint(x)
	}
	if s.Secret && text != "" {
		return "(set)"
	}
	return text
}

// set parses raw, a value given as text (an environment variable, a flag),
// into the setting's field.
func (s Setting) set(c *Config, raw string) error {
	v := s.field(c)
	switch v.Interface().(type) {
	case string:
		v.SetString(raw)
	case []string:
		v.Set(reflect.ValueOf(splitList(raw)))
	case int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not an integer", raw)
		}
		v.SetInt(int64(n))
	case float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		v.SetFloat(x)
	case Duration:
		d, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s or 1m", raw)
		}
		v.Set(reflect.ValueOf(Duration{d}))
	default:
		panic(fmt.Sprintf("config: setting %s has an unsupported type %s", s.Key, v.Type()))
	}
	return nil
}

// want says what a value of the setting's type looks like, for errors.
func (s Setting) want() string {
	switch s.field(&Config{}).Interface().(type) {
	case []string:
		return "want a list of strings"
	case int:
		return "want an integer"
	case float64:
		return "want a number"
	case Duration:
		return `want a duration such as "30s"`
	}
	return "want a string"
}

// splitList splits a comma-separated value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Flags are the settings given on a command line: BindFlags registers them
// on a flag set, Load applies those that were set.
type Flags struct {
	set map[string]string // key → value as given
}

// BindFlags registers on fs the flags of the settings with these keys
// (those that have one), each documented with its variable and its key in
// the file, its default shown.
func BindFlags(fs *flag.FlagSet, keys ...string) *Flags {
	fl := &Flags{set: map[string]string{}}
	def := Default()
	for _, key := range keys {
		s, ok := lookup(key)
		if !ok || s.Flag == "" {
			panic(fmt.Sprintf("config: no flag for setting %q", key))
		}
		usage := fmt.Sprintf("%s (%s, %s in the config file)", s.Doc, s.Env, s.Key)
		fs.Var(flagValue{fl: fl, key: key, def: s.Format(&def)}, s.Flag, usage)
	}
	return fl
}

// flagValue records the value of a setting's flag; Load parses it.
type flagValue struct {
	fl       *Flags
	key, def string
}

func (v flagValue) String() string { return v.def }

func (v flagValue) Set(s string) error {
	v.fl.set[v.key] = s
	return nil
}
