package web

import (
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

type legalQueueData struct {
	pageBase
	// InReview await the opinion, soonest due first; Approved await
	// finalization (ReviewQueue).
	InReview []consultationItem
	Approved []consultationItem
}

// legalQueuePage is the legal office's review queue: consultations in
// review with their due dates, and approved ones awaiting publication.
func (s *Server) legalQueuePage(c *fiber.Ctx) error {
	p, err := requirePage(c, auth.Legal, auth.Admin)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	names, err := s.departmentNames(ctx)
	if err != nil {
		return err
	}
	list, err := s.cfg.Consultations.ReviewQueue(ctx, p)
	if err != nil {
		return err
	}
	d := legalQueueData{pageBase: s.base(c, i18n.T(langOf(c), "page.legal.title"))}
	for _, it := range s.items(list, names) {
		if it.State == consultation.Approved {
			d.Approved = append(d.Approved, it)
		} else {
			d.InReview = append(d.InReview, it)
		}
	}
	sort.SliceStable(d.InReview, func(i, j int) bool { return dueOn(d.InReview[i]) < dueOn(d.InReview[j]) })
	return s.render(c, fiber.StatusOK, "legal", d)
}

// dueOn is the review due date of it ("2026-12-31" sorts as a string).
func dueOn(it consultationItem) string {
	if it.Review == nil {
		return ""
	}
	return it.Review.DueOn
}

type adminUserForm struct {
	Username, Role, DepartmentID, Phone, Email string
}

type adminPageData struct {
	pageBase
	Departments []*auth.Department
	DeptNames   map[string]string
	Users       []*auth.User
	Roles       []option
	DeptOptions []option
	// The forms as posted and their errors, when one is re-rendered.
	DeptName       string
	DeptErrors     formErrors
	UserForm       adminUserForm
	UserErrors     formErrors
	CalendarErrors formErrors
	Years          []int
	// Done names what the last form did (after the redirect).
	Done string
	// AccountErrors is the refusal of an account action; Reset a password
	// just reset.
	AccountErrors formErrors
	Reset         *passwordReset
}

func (s *Server) adminData(c *fiber.Ctx) (adminPageData, error) {
	p, err := requirePage(c, auth.Admin)
	if err != nil {
		return adminPageData{}, err
	}
	ctx, lang := c.UserContext(), langOf(c)
	d := adminPageData{pageBase: s.base(c, i18n.T(lang, "page.admin.title")), DeptNames: map[string]string{}}
	if d.Departments, err = s.cfg.Auth.Store.Departments(ctx); err != nil {
		return d, err
	}
	for _, dep := range d.Departments {
		d.DeptNames[dep.ID] = dep.Name
	}
	if d.Users, err = s.cfg.Auth.Users(ctx, p); err != nil {
		return d, err
	}
	d.Years = s.cfg.Consultations.Calendar(ctx).Years()
	d.Done = doneMessage(lang, c.Query("done"))
	d.UserForm.Role = string(auth.Staff)
	return d, nil
}

// options fills the role and department choices for the user form.
func (d *adminPageData) options() {
	for _, r := range []auth.Role{auth.Staff, auth.Legal, auth.Admin, auth.Resident} {
		d.Roles = append(d.Roles, option{string(r), d.T("role." + string(r)), string(r) == d.UserForm.Role})
	}
	for _, dep := range d.Departments {
		d.DeptOptions = append(d.DeptOptions, option{dep.ID, dep.Name, dep.ID == d.UserForm.DepartmentID})
	}
}

func (s *Server) adminPage(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	d.options()
	return s.render(c, fiber.StatusOK, "admin", d)
}

func (s *Server) adminDepartmentSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	d.DeptName = c.FormValue("name")
	_, err = s.cfg.Auth.CreateDepartment(c.UserContext(), d.User, d.DeptName)
	if fe := formOrConflict(d.Lang, err, "name"); fe != nil {
		d.DeptErrors = fe
		d.options()
		return s.render(c, fiber.StatusUnprocessableEntity, "admin", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/?done=department", fiber.StatusSeeOther)
}

func (s *Server) adminUserSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	d.UserForm = adminUserForm{Username: c.FormValue("username"), Role: c.FormValue("role"), DepartmentID: c.FormValue("department_id"),
		Phone: c.FormValue("phone"), Email: c.FormValue("email")}
	nu := auth.NewUser{Username: d.UserForm.Username, Password: c.FormValue("password"), Role: auth.Role(d.UserForm.Role),
		DepartmentID: d.UserForm.DepartmentID, Phone: d.UserForm.Phone, Email: d.UserForm.Email}
	if nu.Role != auth.Staff {
		nu.DepartmentID = ""
	}
	_, err = s.cfg.Auth.CreateUser(c.UserContext(), d.User, nu)
	if fe := formOrConflict(d.Lang, err, "username"); fe != nil {
		d.UserErrors = fe
		d.options()
		return s.render(c, fiber.StatusUnprocessableEntity, "admin", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/?done=user", fiber.StatusSeeOther)
}

// adminCalendarSubmit loads a year's holiday schedule (the JSON format of
// workcal/data), uploaded as a file.
func (s *Server) adminCalendarSubmit(c *fiber.Ctx) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	var data []byte
	if fh, ferr := c.FormFile("calendar"); ferr == nil {
		f, err := fh.Open()
		if err != nil {
			return apperr.Wrap(err, "open upload")
		}
		data, err = io.ReadAll(io.LimitReader(f, DefaultBodyLimit))
		f.Close()
		if err != nil {
			return apperr.Wrap(err, "read upload")
		}
	}
	if strings.TrimSpace(string(data)) == "" {
		var f apperr.Fields
		f.Add("calendar", "field.required")
		err = f.Err()
	} else if !utf8Valid(data) {
		err = apperr.New(apperr.BadRequest, "error.bad_utf8")
	} else {
		_, err = s.cfg.Consultations.LoadCalendar(c.UserContext(), d.User, data)
	}
	if fe := formOrConflict(d.Lang, err, "calendar"); fe != nil {
		d.CalendarErrors = fe
		d.options()
		return s.render(c, fiber.StatusUnprocessableEntity, "admin", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/?done=calendar", fiber.StatusSeeOther)
}

// formOrConflict is fieldErrors, also showing a Conflict (a taken name)
// or a bad request next to field.
func formOrConflict(lang i18n.Lang, err error, field string) formErrors {
	if fe := fieldErrors(lang, err); fe != nil {
		return fe
	}
	if err != nil && (apperr.Is(err, apperr.Conflict) || apperr.Is(err, apperr.BadRequest)) {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return formErrors{field: i18n.T(lang, ae.Key, ae.Args...)}
		}
	}
	return nil
}
