package redline

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

const (
	animal    = "animal-epidemic-prevention-law"
	penalties = "public-security-admin-penalties-law"
)

// chain matches versions one after another, the first getting ids prefix+number.
func chain(t *testing.T, law string, files ...string) [][]Article {
	t.Helper()
	versions := [][]Article{withIDs(readVersion(t, law, files[0]), "v1-")}
	ids := counter("new-")
	for _, f := range files[1:] {
		prev := versions[len(versions)-1]
		m := Match(prev, readVersion(t, law, f), ids)
		checkMatching(t, prev, m)
		versions = append(versions, m.Articles)
	}
	return versions
}

// checkMatching checks that every article is accounted for.
func checkMatching(t testing.TB, prev []Article, m Matching) {
	t.Helper()
	seen := make(map[string]bool)
	for _, a := range m.Articles {
		if a.ID == "" {
			t.Fatalf("Match: %s has no id", a.Label)
		}
		if seen[a.ID] {
			t.Fatalf("Match: id %q given twice", a.ID)
		}
		seen[a.ID] = true
	}
	accounted := make(map[string]int)
	for _, id := range m.Deleted {
		accounted[id]++
	}
	for id, into := range m.MergedInto {
		accounted[id]++
		if !seen[into] {
			t.Errorf("Match: %q merged into %q, which is not in the new version", id, into)
		}
	}
	for newID, from := range m.SplitFrom {
		if !seen[newID] {
			t.Errorf("Match: SplitFrom names %q, which is not in the new version", newID)
		}
		if !slices.ContainsFunc(prev, func(a Article) bool { return a.ID == from }) {
			t.Errorf("Match: %q split from %q, which is not in the old version", newID, from)
		}
	}
	prevIDs := make(map[string]bool)
	for _, a := range prev {
		prevIDs[a.ID] = true
		if seen[a.ID] {
			accounted[a.ID]++
		}
		if accounted[a.ID] != 1 {
			t.Errorf("Match: old id %q is accounted for %d times (survives, Deleted, MergedInto), want 1", a.ID, accounted[a.ID])
		}
	}
	for id := range accounted {
		if !prevIDs[id] {
			t.Errorf("Match: %q in Deleted/MergedInto is not an old id", id)
		}
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	animalV := chain(t, animal, "draft.txt", "draft2.txt", "final.txt")
	penaltiesV := chain(t, penalties, "draft.txt", "final.txt")
	pairs := []struct {
		name     string
		from, to []Article
	}{
		{"Animal1to2", animalV[0], animalV[1]},
		{"Animal2toFinal", animalV[1], animalV[2]},
		{"Animal1toFinal", animalV[0], animalV[2]},
		{"Penalties", penaltiesV[0], penaltiesV[1]},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			r := Compare(p.from, p.to)
			got, err := Apply(r, p.from)
			if err != nil {
				t.Fatalf("Apply(Compare(from, to), from): %v", err)
			}
			if !reflect.DeepEqual(got, p.to) {
				t.Fatal("Apply(Compare(from, to), from) != to")
			}
			s := r.Stats
			if n := s.Added + s.Modified + s.Moved + s.Renumbered + s.Unchanged; n != len(p.to) {
				t.Errorf("Stats count %d articles of the new version, want %d", n, len(p.to))
			}
			if n := s.Deleted + s.Modified + s.Moved + s.Renumbered + s.Unchanged; n != len(p.from) {
				t.Errorf("Stats count %d articles of the old version, want %d", n, len(p.from))
			}
			for _, c := range r.Changes {
				if c.Kind == Modified || c.Kind == Renumbered || c.Kind == Moved {
					checkDiff(t, c.FromText, c.ToText, c.Spans)
				}
			}
			// Applying to the wrong base must fail.
			if _, err := Apply(r, p.to); err == nil && !reflect.DeepEqual(p.from, p.to) {
				t.Error("Apply(Compare(from, to), to) succeeded, want an error")
			}
			html := r.HTML()
			if c := strings.Count(html, "<section "); c != len(r.Changes) {
				t.Errorf("HTML has %d sections, want %d", c, len(r.Changes))
			}
			if r.Unified() == "" {
				t.Error("Unified() is empty")
			}
		})
	}
}

// find returns the only article containing phrase.
func find(t *testing.T, arts []Article, phrase string) Article {
	t.Helper()
	var hits []Article
	for _, a := range arts {
		if strings.Contains(a.Text, phrase) {
			hits = append(hits, a)
		}
	}
	if len(hits) != 1 {
		t.Fatalf("%d articles contain %q, want 1", len(hits), phrase)
	}
	return hits[0]
}

// TestCorpusPinned pins renumbered articles checked by hand: the same provision, found
// by a distinctive phrase in both versions, must keep its id although its number
// changed. Versions: 0 = 一审稿, 1 = 二审稿, 2 = 公布稿 (动物防疫法); 0 = 二审稿,
// 1 = 公布稿 (治安管理处罚法).
func TestCorpusPinned(t *testing.T) {
	animalV := chain(t, animal, "draft.txt", "draft2.txt", "final.txt")
	penaltiesV := chain(t, penalties, "draft.txt", "final.txt")
	tests := []struct {
		name               string
		from, to           []Article
		phrase             string // in both articles
		fromLabel, toLabel string
	}{
		// 二审稿 inserted 第六条 (社会力量参与) and 第十六条, pushing these down.
		{"AnimalSamples1to2", animalV[0], animalV[1], "采集、保存、运输动物病料", "第二十五条", "第二十七条"},
		{"AnimalConcealment1to2", animalV[0], animalV[1], "不得瞒报、谎报、迟报、漏报动物疫情", "第三十三条", "第三十六条"},
		{"AnimalVetAssociation1to2", animalV[0], animalV[1], "兽医行业协会提供兽医信息", "第七十二条", "第七十三条"},
		// 二审稿 deleted 第八十条 and 第八十二条 (一审稿), pulling this one up.
		{"AnimalReserves1to2", animalV[0], animalV[1], "储备动物疫情应急处", "第八十四条", "第八十三条"},
		// Moved from chapter 2 (预防) to chapter 3 (报告) in the 二审稿: out of order.
		{"AnimalZoonosisStaffMoved1to2", animalV[0], animalV[1], "患有人畜共患传染病的人员不得直接从事动物诊疗", "第二十六条", "第三十四条"},
		// Moved from after 第三十三条 to after the 控制 articles, wording unchanged but 主管部门 renamed.
		{"AnimalRiskAssessmentMoved1to2", animalV[0], animalV[1], "根据动物疫病的性质、特点和可能造成的社会危害", "第三十四条", "第四十四条"},
		{"AnimalSamples2toFinal", animalV[1], animalV[2], "采集、保存、运输动物病料", "第二十七条", "第二十八条"},
		{"AnimalConcealment2toFinal", animalV[1], animalV[2], "不得瞒报、谎报、迟报、漏报动物疫情", "第三十六条", "第三十七条"},
		{"AnimalTransport2toFinal", animalV[1], animalV[2], "将禁止或者限制调运", "第一百条", "第一百零一条"},
		{"AnimalLabAnimals2toFinal", animalV[1], animalV[2], "实验动物防疫有特殊要求", "第一百一十一条", "第一百一十二条"},
		// Through the whole chain 一审稿 → 公布稿.
		{"AnimalRiskAssessment1toFinal", animalV[0], animalV[2], "根据动物疫病的性质、特点和可能造成的社会危害", "第三十四条", "第四十五条"},
		// 公布稿 moved the 无人机 article before the 第四十八条 block.
		{"PenaltiesDrones", penaltiesV[0], penaltiesV[1], "航空运动器材", "第四十七条", "第四十六条"},
		// The 学生欺凌 article moved from chapter 3 §2 to §3 and got a new first paragraph.
		{"PenaltiesBullyingMoved", penaltiesV[0], penaltiesV[1], "学校违反有关法律法规规定，明知发生", "第四十六条", "第六十条"},
		{"PenaltiesImpersonation", penaltiesV[0], penaltiesV[1], "冒充国家机关工作人员招摇撞骗", "第六十一条", "第六十二条"},
		{"PenaltiesAnimals", penaltiesV[0], penaltiesV[1], "饲养动物，干扰他人正常生活", "第八十八条", "第八十九条"},
		{"PenaltiesSignLanguage", penaltiesV[0], penaltiesV[1], "询问聋哑的违反治安管理行为人", "第一百条", "第一百零一条"},
		{"PenaltiesFinesOnSpot", penaltiesV[0], penaltiesV[1], "人民警察当场收缴的罚款", "第一百二十三条", "第一百二十四条"},
		{"PenaltiesRecordsSealed", penaltiesV[0], penaltiesV[1], "违反治安管理的记录应当予以封存", "第一百三十五条", "第一百三十六条"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := find(t, tt.from, tt.phrase)
			to := find(t, tt.to, tt.phrase)
			if from.Label != tt.fromLabel || to.Label != tt.toLabel {
				t.Fatalf("phrase is in %s → %s, want %s → %s (corpus changed?)", from.Label, to.Label, tt.fromLabel, tt.toLabel)
			}
			if to.ID != from.ID {
				t.Errorf("Match gave %s the id %q, want %q (that of %s)", to.Label, to.ID, from.ID, from.Label)
			}
		})
	}
}

// TestCorpusSplitMerge pins the split and merge of the 动物防疫法 二审稿: 一审稿 第十六条
// (监测) lost its last three paragraphs (陆路边境…, 科技、海关…, 野生动物疫源疫病) to
// the new 二审稿 第十九条, and took in 一审稿 第十七条 (疫情预警) as its last paragraph,
// becoming 二审稿 第十八条. It also pins a deletion: 检疫收费 (一审稿 第五十三条)
// is gone from the 二审稿.
func TestCorpusSplitMerge(t *testing.T) {
	v1 := withIDs(readVersion(t, animal, "draft.txt"), "v1-")
	v2 := readVersion(t, animal, "draft2.txt")
	m := Match(v1, v2, counter("new-"))
	byLabel := func(arts []Article, label string) Article {
		i := slices.IndexFunc(arts, func(a Article) bool { return a.Label == label })
		if i < 0 {
			t.Fatalf("no %s", label)
		}
		return arts[i]
	}
	monitoring, warning := byLabel(v1, "第十六条"), byLabel(v1, "第十七条")
	if got := byLabel(m.Articles, "第十八条").ID; got != monitoring.ID {
		t.Errorf("二审稿 第十八条 id = %q, want %q (一审稿 第十六条)", got, monitoring.ID)
	}
	border := byLabel(m.Articles, "第十九条")
	if got := m.SplitFrom[border.ID]; got != monitoring.ID {
		t.Errorf("SplitFrom[二审稿 第十九条] = %q, want %q (一审稿 第十六条)", got, monitoring.ID)
	}
	if got := m.MergedInto[warning.ID]; got != monitoring.ID {
		t.Errorf("MergedInto[一审稿 第十七条] = %q, want %q", got, monitoring.ID)
	}
	fees := byLabel(v1, "第五十三条")
	if !strings.Contains(fees.Text, "依法进行检疫需要收取费用") {
		t.Fatal("一审稿 第五十三条 is not the 检疫收费 article (corpus changed?)")
	}
	for _, a := range v2 {
		if strings.Contains(a.Text, "检疫需要收取费用") {
			t.Fatalf("二审稿 %s still has 检疫需要收取费用", a.Label)
		}
	}
	if !slices.Contains(m.Deleted, fees.ID) {
		t.Errorf("Deleted = %v, want it to contain %q (一审稿 第五十三条)", m.Deleted, fees.ID)
	}
	if got := m.Similarity[monitoring.ID]; got <= 0 || got >= 1 {
		t.Errorf("Similarity[%q] = %v, want in (0, 1)", monitoring.ID, got)
	}
	if got := m.Similarity[byLabel(v1, "第二十五条").ID]; got != 1 {
		t.Errorf("Similarity of 采集病料 article (unchanged but renumbered) = %v, want 1", got)
	}
}

func TestCorpusDiff(t *testing.T) {
	for _, f := range [][2]string{{animal, "draft.txt"}, {animal, "draft2.txt"}, {animal, "final.txt"}, {penalties, "draft.txt"}, {penalties, "final.txt"}} {
		readVersion(t, f[0], f[1])
	}
	texts := func(law, file string) string {
		var sb strings.Builder
		for _, a := range readVersion(t, law, file) {
			sb.WriteString(a.Text + "\n")
		}
		return sb.String()
	}
	pairs := [][2]string{
		{texts(animal, "draft.txt"), texts(animal, "draft2.txt")},
		{texts(animal, "draft2.txt"), texts(animal, "final.txt")},
		{texts(penalties, "draft.txt"), texts(penalties, "final.txt")},
		{texts(animal, "final.txt"), texts(penalties, "final.txt")}, // unrelated laws
	}
	for _, p := range pairs {
		checkDiff(t, p[0], p[1], Diff(p[0], p[1]))
	}
}
