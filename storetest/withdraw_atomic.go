package storetest

import "yugongkai/comments"

// withdrawCommand: the commenter of a published member of the fixture's
// group withdraws it with the receipt code.
func withdrawCommand(w *world, fx *fixture) error {
	cm, err := w.s.Comments.Comment(ctx, fx.member)
	if err != nil {
		return err
	}
	_, err = w.ms.WithdrawByReceipt(ctx, atomicResident, cm.Receipt, comments.WithdrawForm{Reason: "已另行反映。"})
	return err
}

// acceptWordingCommand: staff adopt the group's representative comment
// with an accepted wording of its article.
func acceptWordingCommand(w *world, fx *fixture) error {
	_, err := w.ms.Dispose(ctx, atomicStaff, fx.member, comments.DispositionForm{Outcome: comments.PartiallyAdopted,
		Reason: "部分采纳。", AcceptedText: "犬只应当在取得后三十日内登记。"})
	return err
}
