package eval_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"offres/internal/eval"
)

// A ranking scored against graded judgements: the highly relevant offer
// comes second, the other relevant one fourth, the third is missed.
func ExampleScore() {
	rel := map[string]int{"3134-25-0308/SR": 2, "179SRJG": 1, "181FTQQ": 1, "1304175": 0}
	m := eval.Score([]string{"1304175", "3134-25-0308/SR", "999XXXX", "179SRJG"}, rel)
	fmt.Printf("nDCG@10 %.3f  P@10 %.2f  MRR@10 %.2f  R@100 %.3f\n", m.NDCG10, m.P10, m.MRR10, m.Recall100)
	// Output:
	// nDCG@10 0.562  P@10 0.20  MRR@10 0.50  R@100 0.667
}

// Runs a query set through a search function and prints the report.
func ExampleRun() {
	queries, _ := eval.ReadQueries("queries.tsv", strings.NewReader("q1\tripeur\nq2\tbalayeur\n"))
	qrels, _ := eval.ReadQrels("qrels.txt", strings.NewReader("q1 0 a 1\nq1 0 b 2\nq2 0 c 1\n"))
	search := func(_ context.Context, text string, k int) ([]string, error) {
		if text == "ripeur" {
			return []string{"b", "a"}, nil
		}
		return []string{"x", "c"}, nil
	}
	rep, err := eval.Run(context.Background(), queries, qrels, search)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep.WriteText(os.Stdout, "keyword")
	// Output:
	// keyword  nDCG@10 0.815  P@10 0.150  MRR@10 0.750  R@100 1.000  (2 queries, 0 skipped)
}
