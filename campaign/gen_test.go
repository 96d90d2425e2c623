package campaign

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generated test data: form letters, their variants, and unrelated comments.

// letters are form letters of five campaigns. The first two are on the same
// subject (animal epidemic prevention) so they share vocabulary.
var letters = []string{
	// 动物防疫: disposal of dead livestock.
	"关于《某市动物防疫条例（征求意见稿）》第十二条，我们认为应当进一步明确病死畜禽无害化处理的责任主体。" +
		"目前很多养殖户担心处理费用过高，建议政府对中小养殖场给予适当补贴，同时在每个乡镇设立集中收集点，" +
		"方便群众及时上报和处理。对于隐瞒疫情、随意丢弃病死动物的行为，应当依法从严处罚，" +
		"但处罚标准要与违法情节相适应，避免一刀切。希望主管部门充分听取基层兽医和养殖户的意见，" +
		"把条例修改得更加科学合理、切实可行。",
	// 动物防疫: rabies vaccination of dogs.
	"我们对征求意见稿中关于犬只狂犬病强制免疫的规定有几点意见。第一，免疫费用应当由财政承担，" +
		"不应增加养犬人的负担；第二，建议在社区设立固定的免疫点，延长周末服务时间，方便上班族带犬接种；" +
		"第三，对未按规定免疫的，应当先责令限期改正，逾期不改的再予以罚款。同时，流浪犬的收容和免疫工作" +
		"也要落实到具体部门，定期向社会公开免疫率等数据，接受群众监督。",
	// 治安管理处罚法.
	"对于治安管理处罚法修订草案第三十四条，我建议进一步细化“情节较轻”的认定标准。实践中，" +
		"同样的行为在不同地方处罚差别很大，群众很难理解。建议由公安部制定统一的裁量基准，并向社会公布；" +
		"对初次违法、主动消除影响的，可以依法从轻或者减轻处罚；对未成年人违反治安管理的，" +
		"应当坚持教育为主、处罚为辅的原则，通知其监护人到场，并做好隐私保护。",
	// 停车收费.
	"关于老旧小区停车收费调整方案，我们坚决反对一次性大幅上调收费标准。小区居民以退休老人和工薪家庭为主，" +
		"收入有限，停车费上涨将明显增加生活负担。建议采取分步调整的方式，每年涨幅不超过百分之十，" +
		"并对本小区业主的第一辆车给予优惠；同时，物业公司应当公开停车收费的收支明细，" +
		"把收入主要用于道路维修和增加停车位，而不是用于其他开支。",
	// 养老服务.
	"对社区居家养老服务条例征求意见稿，我们提出以下建议：一是扩大助餐服务覆盖面，让行动不便的独居老人" +
		"能够吃上热饭；二是对高龄失能老人的上门护理给予更高的补贴标准；三是加强养老服务人员的培训和持证上岗管理，" +
		"提高服务质量；四是建立投诉反馈机制，老人和家属反映的问题要在规定时间内答复。希望政府把好事办好、实事办实。",
}

// synonyms are word swaps a campaign participant might make.
var synonyms = [][2]string{
	{"建议", "提议"}, {"应当", "应该"}, {"目前", "现在"}, {"很多", "不少"}, {"担心", "忧虑"},
	{"适当", "一定的"}, {"同时", "此外"}, {"方便", "便于"}, {"群众", "老百姓"}, {"及时", "尽快"},
	{"依法", "按照法律"}, {"从严", "严格"}, {"避免", "防止"}, {"希望", "期望"}, {"充分", "认真"},
	{"科学合理", "合情合理"}, {"切实可行", "便于操作"}, {"规定", "条款"}, {"设立", "设置"}, {"定期", "按时"},
	{"实践中", "现实中"}, {"坚决", "强烈"}, {"明显", "显著"}, {"提高", "提升"}, {"加强", "强化"},
}

var places = []string{"朝阳区", "西湖区", "城关镇", "新华街道", "高新区", "东城区", "南山区", "长安镇",
	"滨江区", "和平里社区", "清河村", "经济开发区", "红星乡", "解放路街道"}

var occupations = []string{"居民", "学生家长", "中学教师", "出租车司机", "个体户", "退休职工", "外卖骑手",
	"养殖户", "社区志愿者", "执业律师", "基层兽医", "小区业主"}

// personal are sentences a participant adds to the form letter.
var personal = []string{
	"我是{place}的一名{who}，从事这一行已经{n}年了。",
	"本人系{place}居民，长期关注这个问题。",
	"作为一名{who}，我对此有切身体会。",
	"以上意见供参考，谢谢！",
	"我家住在{place}，周边有{n}家养殖场。",
	"请有关部门认真研究，并给予答复。",
	"我已经就此问题多次向{place}反映，至今没有得到解决。",
	"这是我们{place}{n}户居民的共同心声。",
	"恳请领导重视，尽快出台具体措施。",
	"我的联系方式已在后台填写，欢迎回访。",
}

// unrelatedSentences build comments that belong to no campaign; the last
// group shares subject and words with the letters.
var unrelatedSentences = []string{
	"我是{place}的{who}，对这次征求意见稿有一些看法。",
	"{place}的学校门口每天早晚高峰都很拥堵，建议增设交通协管员。",
	"征求意见稿{art}规定的期限太短，群众来不及办理，建议延长到{n}个工作日。",
	"小区周边的夜市噪音很大，经常持续到凌晨，影响居民休息。",
	"希望增加公交线路，特别是连接{place}和地铁站的接驳线路。",
	"{art}中的罚款数额偏高，对个体户来说负担太重。",
	"建议在{place}增设公共厕所和垃圾分类投放点。",
	"老旧小区加装电梯的补贴政策应当尽快落地，我们楼已经申请了{n}天还没有消息。",
	"外卖骑手闯红灯的问题越来越突出，平台应当承担管理责任。",
	"社区医院的药品种类太少，很多慢性病药需要到大医院才能开到。",
	"学校课后服务的收费标准不透明，家长意见很大。",
	"我认为{art}的表述不够清楚，“相关部门”具体指哪个部门应当写明。",
	"共享单车乱停乱放占用盲道，建议划定停放区域并加强巡查。",
	"希望公开这次征求意见的采纳情况，让大家知道意见有没有被认真对待。",
	"我家附近的河道污染严重，夏天气味难闻，已经持续{n}多天了。",
	"建议对新能源汽车充电桩的建设给予更多支持，{place}目前充电桩数量明显不足。",
	"草案对网约车司机的准入条件过于严格，很多人会因此失业。",
	"物业费每年都在涨，但服务质量没有任何提高。",
	"公园里的健身器材年久失修，存在安全隐患，请尽快更换。",
	"{place}的菜市场改造后摊位费上涨了{n}元，菜价也跟着涨了。",
	"建议简化办事流程，让群众少跑腿，能网上办理的尽量网上办理。",
	"征求意见的时间安排在节假日期间，很多人没有时间提意见。",
	"对于{art}，我完全赞成，这是一项惠民措施。",
	"夜间施工扰民问题屡禁不止，执法部门应当加大查处力度。",
	"幼儿园入园难的问题在{place}非常突出，建议新建公办幼儿园。",
	"希望在{place}多建一些口袋公园，方便老人和孩子活动。",
	"对违法建设的处罚应当一视同仁，不能只查老百姓不查单位。",
	"{who}群体的权益保护在草案中没有得到体现，建议补充相关条款。",
	"农村饮用水安全问题需要重视，{place}有的村至今还在喝井水。",
	"以上是我的一点个人意见，仅供参考。",
	"停车收费应当区分路段和时段，{place}的收费标准明显高于周边城区。",
	"养老机构床位紧张，排队要{n}个月，建议鼓励社会资本举办养老机构。",
	"独居老人的安全问题需要社区多关心，可以安装一键呼叫设备。",
	"治安管理处罚法修订后对醉酒滋事的处罚更明确了，我表示支持。",
	"建议在{art}中增加对网络谣言的处罚规定。",
	// Same subject as the animal-epidemic letters.
	"我们村有{n}户养殖户，去年猪瘟期间损失很大，希望政府在疫苗供应上多想办法。",
	"宠物医院的收费太高，给猫狗打一针疫苗要{n}元，建议物价部门管一管。",
	"小区里有人遛狗不牵绳，已经咬伤过{n}个孩子，物业管不了。",
	"活禽市场的检疫流于形式，建议加强对检疫人员的监督。",
	"病死畜禽收购贩卖的案件时有发生，公安和农业部门应当联合执法。",
	"动物防疫条例{art}中的“养殖场”应当区分规模，不能对散户和大型养殖企业适用同样的标准。",
	"基层兽医站人手严重不足，一个人要负责{n}个村的防疫工作，待遇也很低。",
	"建议对狂犬病疫苗的冷链运输加强监管，确保疫苗质量。",
	"流浪猫狗越来越多，晚上经常叫个不停，希望有关部门组织收容。",
	"养殖户对无害化处理补贴的发放时间有意见，有时候要等{n}个月才能拿到钱。",
	"犬只免疫证的办理程序太复杂，建议和养犬登记合并办理。",
}

// Parts of generated sentences, so that unrelated comments are as varied as
// real ones: "{place}的{facility}{problem}，建议{action}。" and
// "{art}中“{term}”的含义不够明确，建议{clarify}。".
var (
	facilities = []string{"学校门口", "菜市场", "社区医院", "公交站", "老旧小区", "农贸市场", "公园", "地下车库",
		"养老院", "幼儿园", "河道两岸", "背街小巷", "商业街", "停车场", "体育馆", "图书馆", "政务服务中心",
		"垃圾中转站", "充电站", "菜鸟驿站"}
	problems = []string{"长期存在乱停车现象", "卫生状况较差", "晚上照明不足", "排队时间太长", "收费标准不透明",
		"设施老化严重", "噪音扰民", "存在消防隐患", "无障碍设施缺失", "管理人员态度生硬", "开放时间不合理",
		"指示标志不清楚", "下雨经常积水", "人流量大秩序混乱", "监控设备损坏", "绿化带被占用"}
	actions = []string{"增加巡查频次", "尽快维修", "公开收费明细", "延长开放时间", "增设便民设施", "引入第三方管理",
		"加强执法", "听取周边居民意见", "纳入年度民生实事", "明确责任部门", "安排专项资金", "设置临时停车位",
		"加强宣传引导", "建立长效机制", "定期通报整改情况"}
	asks  = []string{"建议", "希望有关部门", "请", "恳请", "应当尽快", "能否"}
	terms = []string{"情节严重", "相关部门", "合理期限", "公共场所", "经营者", "必要措施", "重大隐患", "及时",
		"显著位置", "其他情形", "有关规定", "明显不当"}
	clarifies = []string{"列举具体情形", "给出量化标准", "参照上位法的表述", "增加但书条款", "明确认定程序",
		"由主管部门另行制定细则", "与第二章的规定保持一致", "删除这一表述"}
)

// gen generates test comments from a seeded PCG, so every run sees the
// same data.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, 0x636f6d6d656e74))} }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) fill(tmpl string) string {
	s := tmpl
	for strings.Contains(s, "{") {
		s = strings.Replace(s, "{place}", g.pick(places), 1)
		s = strings.Replace(s, "{who}", g.pick(occupations), 1)
		s = strings.Replace(s, "{n}", fmt.Sprint(2+g.r.IntN(300)), 1)
		s = strings.Replace(s, "{art}", fmt.Sprintf("第%d条", 1+g.r.IntN(80)), 1)
	}
	return s
}

// variant returns one participant's copy of a form letter. The mix, each
// step applied independently:
//   - 0 to 3 synonym swaps (uniform), chosen among the pairs whose word
//     occurs in the letter; a swap replaces every occurrence;
//   - two clauses (split at "，") are swapped (p 0.3);
//   - one clause is deleted (p 0.1);
//   - a personal sentence is inserted between two sentences (p 0.1),
//     prepended (p 0.3) and appended (p 0.3);
//   - punctuation, spacing and width are changed (p 0.6), which Normalize
//     undoes.
func (g *gen) variant(letter string) string {
	s := letter
	var present [][2]string
	for _, p := range synonyms {
		if strings.Contains(s, p[0]) {
			present = append(present, p)
		}
	}
	g.r.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
	for _, p := range present[:min(len(present), g.r.IntN(4))] {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	if g.r.Float64() < 0.3 {
		s = g.swapClauses(s)
	}
	if g.r.Float64() < 0.1 {
		parts := strings.Split(s, "，")
		if len(parts) > 2 {
			i := g.r.IntN(len(parts) - 1) // keep the last clause, it ends the letter
			parts = append(parts[:i], parts[i+1:]...)
			s = strings.Join(parts, "，")
		}
	}
	if g.r.Float64() < 0.1 {
		sentences := strings.SplitAfter(s, "。")
		i := g.r.IntN(len(sentences))
		sentences[i] = g.fill(g.pick(personal)) + sentences[i]
		s = strings.Join(sentences, "")
	}
	if g.r.Float64() < 0.3 {
		s = g.fill(g.pick(personal)) + s
	}
	if g.r.Float64() < 0.3 {
		s += g.fill(g.pick(personal))
	}
	if g.r.Float64() < 0.6 {
		s = g.restyle(s)
	}
	return s
}

// copyOf returns an unmodified copy of a letter, possibly restyled: equal
// to the letter after Normalize.
func (g *gen) copyOf(letter string) string {
	if g.r.Float64() < 0.5 {
		return g.restyle(letter)
	}
	return letter
}

func (g *gen) swapClauses(s string) string {
	parts := strings.Split(s, "，")
	if len(parts) < 2 {
		return s
	}
	i, j := g.r.IntN(len(parts)), g.r.IntN(len(parts))
	parts[i], parts[j] = parts[j], parts[i]
	return strings.Join(parts, "，")
}

// restyle changes punctuation, spacing and character width only.
func (g *gen) restyle(s string) string {
	repl := [][]string{
		{"，", ",", " ", "、", "，"},
		{"。", ".", "！", "。 ", "\n"},
		{"；", ";", "，", "； "},
		{"《", "<", "“", ""},
		{"》", ">", "”", ""},
		{"“", "\"", "「"},
		{"”", "\"", "」"},
	}
	for _, r := range repl {
		s = strings.ReplaceAll(s, r[0], r[1+g.r.IntN(len(r)-1)])
	}
	if g.r.Float64() < 0.5 {
		// Full-width ASCII.
		var b strings.Builder
		for _, c := range s {
			if c > ' ' && c < 0x7f {
				c += 0xFEE0
			}
			b.WriteRune(c)
		}
		s = b.String()
	}
	if g.r.Float64() < 0.3 {
		s = "  " + s + "\n"
	}
	return s
}

// unrelated returns a comment that belongs to no campaign: 2–6 sentences,
// each with probability 0.4 from unrelatedSentences and otherwise built from
// parts; one in ten quotes a clause of quoted, the way a genuine comment
// refers to a campaign it disagrees with.
func (g *gen) unrelated(quoted string) string {
	n := 2 + g.r.IntN(5)
	idx := g.r.Perm(len(unrelatedSentences))[:n]
	var b strings.Builder
	for _, i := range idx {
		switch {
		case g.r.Float64() < 0.4:
			b.WriteString(g.fill(unrelatedSentences[i]))
		case g.r.IntN(3) == 0:
			b.WriteString(g.fill("{art}中“") + g.pick(terms) + "”的含义不够明确，" + g.pick(asks) + g.pick(clarifies) + "。")
		default:
			b.WriteString(g.fill("{place}的") + g.pick(facilities) + g.pick(problems) + "，" +
				g.pick(asks) + g.pick(actions) + "。")
		}
	}
	if quoted != "" && g.r.IntN(10) == 0 {
		clauses := strings.Split(quoted, "，")
		b.WriteString("有人说“" + g.pick(clauses) + "”，我不同意这种说法。")
	}
	return b.String()
}
