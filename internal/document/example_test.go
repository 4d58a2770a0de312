package document_test

import (
	"context"
	"errors"
	"fmt"

	"offres/internal/document"
	"offres/internal/offres"
)

func ExampleExtract() {
	// A CV pasted in a Windows editor: Latin-1, CRLF, blank lines.
	data := []byte("L\xe9a Wamytan\r\nD\xe9veloppeuse web, Noum\xe9a\r\n\r\n\r\nDipl\xf4m\xe9e d'\xc9tat  ")
	text, err := document.Extract(context.Background(), "cv.txt", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(text.Format)
	fmt.Println(text.Content)

	// A photo of the CV is refused with a message for the candidate.
	_, err = document.Extract(context.Background(), "cv.pdf", []byte("\x89PNG\r\n\x1a\n…"))
	var ue *offres.UserError
	fmt.Println(errors.Is(err, offres.ErrInvalid), errors.As(err, &ue), ue.Message)
	// Output:
	// txt
	// Léa Wamytan
	// Développeuse web, Nouméa
	//
	// Diplômée d'État
	// true true format non pris en charge (image PNG) : utilisez PDF, DOCX ou TXT
}
