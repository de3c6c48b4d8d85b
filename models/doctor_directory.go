package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The public doctor directory (issue 6): verified doctors of active accounts only,
// searchable, a bounded keyset page at a time. It reads only the public columns of
// doctor_profiles; contact details, the licence number and the licence document are
// never selected.

// DirectoryPage is the number of doctors on one directory page.
const DirectoryPage = 20

// MaxDirectoryQuery bounds the search box and the filters (in characters); longer
// input is cut.
const MaxDirectoryQuery = 64

// DirectoryDoctor is a verified doctor's public card.
type DirectoryDoctor struct {
	UserID     int64
	RealName   string
	Title      string
	Hospital   string
	Department string
	Specialty  string
}

// DirectorySearch is one directory query: Q matches name, hospital, department or
// specialty (substring); Department and Hospital, when set, must match exactly.
type DirectorySearch struct {
	Q, Department, Hospital string
	After                   *DirectoryCursor
}

// DirectoryCursor is the position after the last doctor of a page: the directory is
// ordered by (real_name, user_id).
type DirectoryCursor struct {
	RealName string
	UserID   int64
}

// String is the cursor's URL form, "<id>.<base64url name>"; "" for nil.
func (c *DirectoryCursor) String() string {
	if c == nil {
		return ""
	}
	return strconv.FormatInt(c.UserID, 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(c.RealName))
}

// ParseDirectoryCursor decodes String's form; anything else is the first page (nil).
func ParseDirectoryCursor(s string) *DirectoryCursor {
	if len(s) > 40+4*MaxDirectoryQuery*2 {
		return nil
	}
	ids, enc, ok := strings.Cut(s, ".")
	id, err := strconv.ParseInt(ids, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil
	}
	name, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || !utf8.Valid(name) {
		return nil
	}
	return &DirectoryCursor{RealName: string(name), UserID: id}
}

// clip trims s and cuts it to MaxDirectoryQuery characters.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxDirectoryQuery {
		s = string([]rune(s)[:MaxDirectoryQuery])
	}
	return s
}

// likeEscaper escapes LIKE's wildcards with '!' (declared by ESCAPE '!', which
// SQLite and MySQL read the same way).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// Normalize trims and bounds the search's fields.
func (s DirectorySearch) Normalize() DirectorySearch {
	s.Q, s.Department, s.Hospital = clip(s.Q), clip(s.Department), clip(s.Hospital)
	return s
}

// publicDoctors is the base of every directory query: verified profiles of active
// doctor accounts, public columns only.
func publicDoctors(ctx context.Context, g *gorm.DB) *gorm.DB {
	return g.WithContext(ctx).Table("doctor_profiles AS dp").
		Select("dp.user_id, dp.real_name, dp.title, dp.hospital, dp.department, dp.specialty").
		Joins("JOIN users u ON u.id = dp.user_id").
		Where("dp.status = ? AND u.status = ? AND u.kind = ?", DoctorVerified, StatusActive, KindDoctor)
}

// SearchDirectory returns one page (at most DirectoryPage) of verified doctors
// matching s, ordered by name then ID, in one statement. next is the cursor of the
// following page, nil on the last one.
func SearchDirectory(ctx context.Context, g *gorm.DB, s DirectorySearch) (rows []DirectoryDoctor, next *DirectoryCursor, err error) {
	s = s.Normalize()
	q := publicDoctors(ctx, g)
	if s.Q != "" {
		like := "%" + likeEscaper.Replace(s.Q) + "%"
		q = q.Where("(dp.real_name LIKE ? ESCAPE '!' OR dp.hospital LIKE ? ESCAPE '!' OR dp.department LIKE ? ESCAPE '!' OR dp.specialty LIKE ? ESCAPE '!')",
			like, like, like, like)
	}
	if s.Department != "" {
		q = q.Where("dp.department = ?", s.Department)
	}
	if s.Hospital != "" {
		q = q.Where("dp.hospital = ?", s.Hospital)
	}
	if c := s.After; c != nil {
		q = q.Where("(dp.real_name > ? OR (dp.real_name = ? AND dp.user_id > ?))", c.RealName, c.RealName, c.UserID)
	}
	if err := q.Order("dp.real_name, dp.user_id").Limit(DirectoryPage + 1).Scan(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("directory: search: %w", err)
	}
	if len(rows) > DirectoryPage {
		rows = rows[:DirectoryPage]
		last := rows[DirectoryPage-1]
		next = &DirectoryCursor{RealName: last.RealName, UserID: last.UserID}
	}
	return rows, next, nil
}

// DirectoryDoctorByID returns verified doctor id's public card; NotFound for any
// id that is not a verified doctor of an active account.
func DirectoryDoctorByID(ctx context.Context, g *gorm.DB, id int64) (*DirectoryDoctor, error) {
	var rows []DirectoryDoctor
	if err := publicDoctors(ctx, g).Where("dp.user_id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("directory: doctor: %w", err)
	}
	if len(rows) == 0 {
		return nil, NotFound("")
	}
	return &rows[0], nil
}
