package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// ScaleSeed sizes a synthetic data set for load and query-plan checks (issue 6:
// 10,000 patients, 200 doctors, 200,000 documents). Every row is what the portal
// itself would write — real password hash, blind indexes and field ciphertexts
// bound to their rows — so pages and sign-in work on it. Development only: the
// command refuses production.
type ScaleSeed struct {
	Patients, Doctors, Documents int
	ConsultationsPerDoctor       int
	AccessPerPatient             int    // access-log rows per patient with a consultation
	Password                     string // every seeded account's password
	TOTPSecret                   string // every doctor's second factor (base32)
	Now                          time.Time
	// Progress, when set, is told after each committed chunk of a stage.
	Progress func(stage string, done, total int)
}

// ScaleResult is what was stored. Patients have ids FirstPatient…FirstPatient+
// Patients-1 and phones ScalePatientPhone(0…); doctors likewise.
type ScaleResult struct {
	FirstPatient, FirstDoctor                 int64
	Patients, Doctors, Documents, Identities  int
	Consents, Consultations, Shares, Messages int
	AccessRows                                int
}

// ScalePatientPhone and ScaleDoctorPhone are the sign-in phones of seeded account i.
func ScalePatientPhone(i int) string { return fmt.Sprintf("170%08d", i) }

// ScaleDoctorPhone is the phone of seeded doctor i.
func ScaleDoctorPhone(i int) string { return fmt.Sprintf("171%08d", i) }

// scaleBatch rows per INSERT; scaleChunk rows per transaction.
const (
	scaleBatch = 1000
	scaleChunk = 10000
)

var (
	scaleSurnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	scaleGiven     = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "建国"}
	scaleHospitals = []string{"北京协和医院", "上海瑞金医院", "华西医院", "中山大学附属第一医院", "湘雅医院", "同济医院", "浙江大学附属第一医院", "齐鲁医院"}
	scaleDepts     = []string{"心内科", "内分泌科", "呼吸内科", "消化内科", "神经内科", "肾内科", "骨科", "皮肤科"}
	scaleTitles    = map[string][]string{
		CategoryRecord:  {"门诊病历", "出院小结", "住院病历"},
		CategoryImaging: {"胸部CT", "腹部B超", "头颅MRI"},
		CategoryLab:     {"血常规", "肝功能", "血脂四项", "糖化血红蛋白"},
		CategoryExam:    {"年度体检报告", "入职体检"},
		CategoryOther:   {"处方", "疫苗接种记录"},
	}
	scaleQuestions = []string{"最近胸闷两周，活动后明显，需要做什么检查？", "空腹血糖偏高，是否需要用药？", "体检发现甲状腺结节，要紧吗？", "咳嗽一个月不好，夜间加重。"}
)

// SeedScale stores s into a's database in batched transactions. It refuses when
// the first seeded phone is taken (the data set is already there).
func SeedScale(ctx context.Context, a *Accounts, s ScaleSeed) (*ScaleResult, error) {
	if s.Patients <= 0 || s.Doctors <= 0 || s.Documents < 0 || s.ConsultationsPerDoctor < 0 || s.AccessPerPatient < 0 {
		return nil, errors.New("scale seed: patients and doctors must be positive, the rest not negative")
	}
	if s.Password == "" || s.TOTPSecret == "" {
		return nil, errors.New("scale seed: password and TOTP secret are required")
	}
	if s.Now.IsZero() {
		s.Now = a.Now()
	}
	s.Now = s.Now.UTC().Truncate(time.Second)
	if u, err := a.FindByLogin(ctx, ScalePatientPhone(0)); err != nil {
		return nil, err
	} else if u != nil {
		return nil, errors.New("scale seed: already seeded (phone " + ScalePatientPhone(0) + " exists)")
	}
	hash, err := a.Hasher.Hash(ctx, s.Password) // once: argon2id is deliberately slow
	if err != nil {
		return nil, err
	}
	pv, err := (&Policies{DB: a.DB, Now: func() time.Time { return s.Now }}).Current(ctx)
	if err != nil {
		return nil, err
	}
	sd := &scaleSeeder{a: a, s: s, hash: hash, pv: pv, rnd: rand.New(rand.NewPCG(1, 2)), g: a.DB.WithContext(ctx)}
	for _, step := range []func() error{sd.users, sd.documents, sd.consultations, sd.accessLog} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return &sd.res, nil
}

type scaleSeeder struct {
	a    *Accounts
	s    ScaleSeed
	g    *gorm.DB
	hash string
	pv   *PolicyVersion
	rnd  *rand.Rand
	res  ScaleResult
	docs map[int64][]Document // per patient: id and category only
	cons []Consultation
}

// scaleInsert commits rows in transactions of scaleChunk rows, scaleBatch per
// INSERT; done and total (0: len(rows)) are the stage's progress around them.
func scaleInsert[T any](sd *scaleSeeder, stage string, rows []T, done, total int) error {
	if total == 0 {
		total = len(rows)
	}
	for i := 0; i < len(rows); i += scaleChunk {
		part := rows[i:min(i+scaleChunk, len(rows))]
		if err := sd.g.Transaction(func(tx *gorm.DB) error { return tx.CreateInBatches(part, scaleBatch).Error }); err != nil {
			return fmt.Errorf("scale seed: %s: %w", stage, err)
		}
		if sd.s.Progress != nil {
			sd.s.Progress(stage, done+i+len(part), total)
		}
	}
	return nil
}

func nextID(g *gorm.DB, table string) (int64, error) {
	var max *int64
	if err := g.Table(table).Select("MAX(id)").Scan(&max).Error; err != nil {
		return 0, fmt.Errorf("scale seed: max id of %s: %w", table, err)
	}
	if max == nil {
		return 1, nil
	}
	return *max + 1, nil
}

func (sd *scaleSeeder) pick(list []string) string { return list[sd.rnd.IntN(len(list))] }

func (sd *scaleSeeder) name() string {
	return string(scaleSurnames[sd.rnd.IntN(len(scaleSurnames))]) + sd.pick(scaleGiven)
}

// consent is an acceptance of purpose on the policy in force (terms, so the gate
// lets the account through; health data, so grants are readable).
func (sd *scaleSeeder) consent(uid int64, purpose, scope string, at time.Time) ConsentRecord {
	r := ConsentRecord{UserID: uid, Purpose: purpose, Scope: scope, Decision: DecisionAccepted, Channel: ChannelWeb,
		ClientIP: "192.0.2.0", UserAgent: "scale seed", CreatedAt: at}
	if sd.pv != nil {
		r.PolicyVersionID, r.PolicySHA256 = &sd.pv.ID, sd.pv.SHA256
	}
	return r
}

// users stores patients (with identities, terms and health-data consents) and
// verified doctors with MFA, ids assigned here because ciphertexts name them.
func (sd *scaleSeeder) users() error {
	first, err := nextID(sd.g, "users")
	if err != nil {
		return err
	}
	s, a, now := sd.s, sd.a, sd.s.Now
	sd.res.FirstPatient, sd.res.FirstDoctor = first, first+int64(s.Patients)
	var users []User
	var ids []Identity
	var profiles []DoctorProfile
	var consents []ConsentRecord
	for i := range s.Patients + s.Doctors {
		id, phone, kind := first+int64(i), ScalePatientPhone(i), KindPatient
		if i >= s.Patients {
			phone, kind = ScaleDoctorPhone(i-s.Patients), KindDoctor
		}
		enc, err := a.Seal("users", LoginPhone, id, id, phone)
		if err != nil {
			return err
		}
		idx := a.ContactIndex(LoginPhone, phone)
		u := User{ID: id, Kind: kind, PhoneIndex: &idx, PhoneEnc: enc, PasswordHash: sd.hash, Status: StatusActive,
			Lang: "zh-CN", PasswordChangedAt: &now, CreatedAt: now, UpdatedAt: now}
		consents = append(consents, sd.consent(id, PurposeTerms, "", now))
		if kind == KindDoctor {
			if u.MFASecretEnc, err = a.Seal("users", "mfa_secret", id, id, s.TOTPSecret); err != nil {
				return err
			}
			u.MFAEnabledAt = &now
			profiles = append(profiles, DoctorProfile{UserID: id, RealName: sd.name(), Hospital: sd.pick(scaleHospitals),
				Department: sd.pick(scaleDepts), Title: DoctorTitles[i%len(DoctorTitles)], Specialty: "常见病、慢性病管理",
				LicenceNumber: fmt.Sprintf("9%014d", id), Status: DoctorVerified, CreatedAt: now, UpdatedAt: now})
		} else {
			seal := func(col, v string) *string {
				if err == nil {
					var p *string
					p, err = a.Seal("identities", col, id, id, v)
					return p
				}
				return nil
			}
			bday := time.Date(1940+sd.rnd.IntN(65), time.Month(1+sd.rnd.IntN(12)), 1+sd.rnd.IntN(28), 0, 0, 0, 0, time.UTC)
			ids = append(ids, Identity{UserID: id, RealNameEnc: seal("real_name", sd.name()), Gender: Genders[i%2],
				BirthdayEnc: seal("birthday", bday.Format(dateLayout)), UpdatedAt: now})
			if err != nil {
				return err
			}
			consents = append(consents, sd.consent(id, PurposeHealthData, "", now))
		}
		users = append(users, u)
	}
	if err := scaleInsert(sd, "users", users, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "identities", ids, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "doctor_profiles", profiles, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "consent_records", consents, 0, 0); err != nil {
		return err
	}
	sd.res.Patients, sd.res.Doctors, sd.res.Identities, sd.res.Consents = s.Patients, s.Doctors, len(ids), len(consents)
	return nil
}

// documents spreads s.Documents over the patients (no files: lists and the
// doctor's reads touch only the rows).
func (sd *scaleSeeder) documents() error {
	s, keys := sd.s, sd.a.Keys
	sd.docs = map[int64][]Document{}
	for start := 0; start < s.Documents; start += scaleChunk {
		var rows []Document
		for i := start; i < min(start+scaleChunk, s.Documents); i++ {
			owner := sd.res.FirstPatient + int64(i%s.Patients)
			cat := DocumentCategories[sd.rnd.IntN(len(DocumentCategories))]
			d := Document{ID: newRowID(), UserID: owner, Category: cat, CreatedAt: s.Now.Add(-time.Duration(sd.rnd.IntN(1000)) * time.Hour),
				DocDate: time.Date(2021+sd.rnd.IntN(5), time.Month(1+sd.rnd.IntN(12)), 1+sd.rnd.IntN(28), 0, 0, 0, 0, time.UTC)}
			var err error
			enc := func(col, v string) string {
				if err != nil {
					return ""
				}
				var ct string
				ct, err = keys.EncryptString(v, documentAD(col, d.ID, owner))
				return ct
			}
			d.TitleEnc, d.HospitalEnc, d.NotesEnc = enc("title", sd.pick(scaleTitles[cat])), enc("hospital", sd.pick(scaleHospitals)), enc("notes", "")
			if err != nil {
				return err
			}
			rows = append(rows, d)
			sd.docs[owner] = append(sd.docs[owner], Document{ID: d.ID, Category: cat})
		}
		if err := scaleInsert(sd, "documents", rows, start, s.Documents); err != nil {
			return err
		}
	}
	sd.res.Documents = s.Documents
	return nil
}

// consultations gives each doctor s.ConsultationsPerDoctor consultations with
// patients taken in a shuffled round (so most patients have one), three in ten
// new, four active (one in twenty of them revoked), three closed with their
// window after close (some over), each with shares, its doctor_sharing consent
// and, once answered, the doctor's messages.
func (sd *scaleSeeder) consultations() error {
	s, keys := sd.s, sd.a.Keys
	total := s.Doctors * s.ConsultationsPerDoctor
	if total == 0 {
		return nil
	}
	firstC, err := nextID(sd.g, "consultations")
	if err != nil {
		return err
	}
	firstM, err := nextID(sd.g, "consultation_messages")
	if err != nil {
		return err
	}
	perm := sd.rnd.Perm(s.Patients)
	var shares []ConsultationShare
	var msgs []ConsultationMessage
	var consents []ConsentRecord
	for j := range total {
		k := j / s.Doctors // the doctor's k-th consultation
		c := Consultation{ID: firstC + int64(j), PatientID: sd.res.FirstPatient + int64(perm[j%s.Patients]),
			DoctorID: sd.res.FirstDoctor + int64(j%s.Doctors), ShareDays: ShareDayChoices[j%len(ShareDayChoices)]}
		c.CreatedAt = s.Now.Add(-time.Duration(1+sd.rnd.IntN(60*24)) * time.Hour)
		c.UpdatedAt = c.CreatedAt.Add(time.Duration(sd.rnd.IntN(48)) * time.Hour)
		switch r := k % 10; {
		case r < 3:
			c.Status, c.UpdatedAt = ConsultationNew, c.CreatedAt
		case r < 7:
			c.Status = ConsultationActive
			if k%20 == 5 {
				c.GrantRevokedAt = &c.UpdatedAt
			}
		default:
			c.Status = ConsultationClosed
			closed, until := c.UpdatedAt, c.UpdatedAt.AddDate(0, 0, c.ShareDays)
			c.ClosedAt, c.GrantUntil = &closed, &until
		}
		if c.QuestionEnc, err = keys.EncryptString(sd.pick(scaleQuestions), consultationAD("question", c.ID, c.PatientID)); err != nil {
			return err
		}
		sd.cons = append(sd.cons, c)
		consents = append(consents, sd.consent(c.PatientID, PurposeDoctorSharing, ConsultationScopeKey(c.ID), c.CreatedAt))
		scope := Scope{Sections: ProfileSections[:1+j%len(ProfileSections)], Categories: []string{DocumentCategories[j%len(DocumentCategories)]}}
		if own := sd.docs[c.PatientID]; len(own) > 0 {
			scope.DocumentIDs = []int64{own[j%len(own)].ID}
		}
		shares = append(shares, scope.normal().rows(c.ID)...)
		if c.Status == ConsultationNew {
			continue
		}
		bodies := []string{"您好，请补充一下最近的检查结果。"}
		if c.Status == ConsultationClosed {
			bodies = append(bodies, "建议规律作息，一个月后复查。")
		}
		for n, body := range bodies {
			m := ConsultationMessage{ID: firstM + int64(len(msgs)), ConsultationID: c.ID, SenderID: c.DoctorID, Kind: MessageText,
				CreatedAt: c.CreatedAt.Add(time.Duration(n+1) * time.Minute)}
			if n == 1 {
				m.Kind = MessageAdvice
			}
			if m.BodyEnc, err = keys.EncryptString(body, messageAD(m.ID, c.PatientID)); err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
	}
	if err := scaleInsert(sd, "consultations", sd.cons, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "consultation_shares", shares, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "consultation_messages", msgs, 0, 0); err != nil {
		return err
	}
	if err := scaleInsert(sd, "consent_records", consents, 0, 0); err != nil {
		return err
	}
	sd.res.Consultations, sd.res.Shares, sd.res.Messages = len(sd.cons), len(shares), len(msgs)
	sd.res.Consents += len(consents)
	return nil
}

// accessLog gives each patient with a consultation s.AccessPerPatient reads by
// that consultation's doctor: the profile and their documents in turn.
func (sd *scaleSeeder) accessLog() error {
	s := sd.s
	if s.AccessPerPatient == 0 || len(sd.cons) == 0 {
		return nil
	}
	byPatient := map[int64][]int{}
	for i, c := range sd.cons {
		byPatient[c.PatientID] = append(byPatient[c.PatientID], i)
	}
	total := len(byPatient) * s.AccessPerPatient
	var rows []AccessEntry
	flush := func(force bool) error {
		if len(rows) < scaleChunk && !(force && len(rows) > 0) {
			return nil
		}
		err := scaleInsert(sd, "access_log", rows, sd.res.AccessRows, total)
		sd.res.AccessRows += len(rows)
		rows = rows[:0]
		return err
	}
	for p := range s.Patients {
		pid := sd.res.FirstPatient + int64(p)
		list := byPatient[pid]
		if len(list) == 0 {
			continue
		}
		for n := range s.AccessPerPatient {
			c := &sd.cons[list[n%len(list)]]
			basis := c.ID
			e := AccessEntry{PatientID: pid, ViewerID: c.DoctorID, ViewerKind: KindDoctor, ItemType: ItemHealthProfile,
				ItemID: idString(pid), Basis: BasisConsultation, BasisID: &basis, RequestID: fmt.Sprintf("seed-%d-%d", pid, n),
				CreatedAt: c.CreatedAt.Add(time.Duration(n) * time.Minute)}
			if own := sd.docs[pid]; n%4 != 0 && len(own) > 0 {
				d := own[n%len(own)]
				e.ItemType, e.ItemID, e.ItemCategory = ItemDocument, idString(d.ID), d.Category
			}
			rows = append(rows, e)
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}
