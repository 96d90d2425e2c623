package storetest

import "yugongkai/consultation"

// The department's draft 政策解读 in the atomicity contract: one
// consultation commit (the draft on the record, its interpretation.drafted
// event), run while the legal office has the file. On SQLite (and a real
// MongoDB) it races every command of its stage; FerretDB races only the
// listed pairs, and this one is not among them.

func init() {
	commands = append(commands, command{"interpret", "in_review", func(w *world, fx *fixture) error {
		_, err := w.cs.DraftInterpretation(ctx, atomicStaff, fx.c.ID, consultation.InterpretationForm{Interpretation: "本办法明确了犬只登记的期限。",
			QA: []consultation.QA{{Question: "登记期限从何时起算？", Answer: "自取得犬只之日起算。"}}})
		return err
	}})
}
