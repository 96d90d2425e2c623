package comments

import (
	"strconv"

	"yugongkai/i18n"
)

// Commenter categories (issue 15, "who is commenting"). The one table below
// says, for each category, whether the commenter is a person (whose name
// the privacy masker shortens: 张*祥) or a body that speaks under its own
// name, and whether that name is required. Everything that validates,
// displays or counts categories reads this table: the public form, staff
// offline entry, the import (with the Chinese spellings an office types),
// the report's breakdown and its export.

const (
	Enterprise          CommenterType = "enterprise"           // 企业
	IndustryAssociation CommenterType = "industry_association" // 行业协会、商会
	Academic            CommenterType = "academic"             // 专家学者、科研院校
	GovernmentAgency    CommenterType = "government_agency"    // 国家机关（须写明名称）
	PeoplesDeputy       CommenterType = "peoples_deputy"       // 人大代表
	CPPCCMember         CommenterType = "cppcc_member"         // 政协委员
)

// Category describes one commenter category.
type Category struct {
	Type CommenterType
	// Person: the commenter is a natural person; the name shown publicly is
	// masked unless the commenter chose the real name, and Organization may
	// name the unit the person belongs to (academics, deputies) without
	// being shown.
	Person bool
	// NeedsOrganization: the organization name is required (and shown
	// publicly unless the commenter chose 匿名).
	NeedsOrganization bool
	// Spellings are the Chinese values an import file may hold.
	Spellings []string
}

// Categories is the table, in the order forms and reports list them.
var Categories = []Category{
	{Type: Individual, Person: true, Spellings: []string{"个人", "公民", "群众"}},
	{Type: Enterprise, NeedsOrganization: true, Spellings: []string{"企业", "公司"}},
	{Type: IndustryAssociation, NeedsOrganization: true, Spellings: []string{"行业协会", "协会", "商会"}},
	{Type: Academic, Person: true, Spellings: []string{"专家学者", "专家", "学者", "科研院校"}},
	{Type: GovernmentAgency, NeedsOrganization: true, Spellings: []string{"国家机关", "政府机关", "机关", "政府部门"}},
	{Type: PeoplesDeputy, Person: true, Spellings: []string{"人大代表"}},
	{Type: CPPCCMember, Person: true, Spellings: []string{"政协委员"}},
	{Type: Organization, NeedsOrganization: true, Spellings: []string{"单位", "组织", "社会组织", "其他组织"}},
}

// CategoryOf returns the table row of t and whether t is a known category.
func CategoryOf(t CommenterType) (Category, bool) {
	for _, c := range Categories {
		if c.Type == t {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryNames lists the codes of every category, comma-separated, for
// error messages.
func CategoryNames() string {
	s := ""
	for i, c := range Categories {
		if i > 0 {
			s += ", "
		}
		s += string(c.Type)
	}
	return s
}

// MaxOnBehalfOf is the length limit of the "on behalf of" field.
const MaxOnBehalfOf = 200

// CategoryCount is how many comments of one category were received and
// how many people they speak for (every signatory of a petition).
type CategoryCount struct {
	Comments int `json:"comments"`
	People   int `json:"people"`
}

// CategoryRows are the lines the report's table ends with: the people
// counted by category, in the table's seven columns (the number in the
// count column), after a line naming them.
func (r *Report) CategoryRows(lang i18n.Lang) [][]string {
	if len(r.ByCategory) == 0 {
		return nil
	}
	row := func(label, n string) []string { return []string{"", label, "", "", n, "", ""} }
	out := [][]string{row(i18n.T(lang, "page.report.by_category"), "")}
	for _, c := range Categories {
		if n, ok := r.ByCategory[c.Type]; ok {
			out = append(out, row(i18n.T(lang, "category."+string(c.Type)), strconv.Itoa(n)))
		}
	}
	return append(out, row(i18n.T(lang, "report.people_total"), strconv.Itoa(r.Received)))
}
