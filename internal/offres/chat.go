package offres

// Roles of a chat message.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// ChatMessage is one message of a conversation with a language model.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Completion is what a language model answered.
type Completion struct {
	Text string
	// FinishReason is the model's ("stop", "length"…).
	FinishReason     string
	PromptTokens     int
	CompletionTokens int
}
