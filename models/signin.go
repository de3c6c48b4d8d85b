package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/totp"
)

// SignIn is what a sign-in form submits, plus where it came from.
type SignIn struct {
	Login, Password string
	IP              string
	Lang            i18n.Lang
}

// Authenticate checks a password sign-in. Every wrong identifier or password gives
// the same Invalid("", "signin.failed"); repeated failures slow the account and the
// client address down and, at the account's limit, lock it for a while and tell the
// owner (RateLimited "signin.throttled"). The hash is not computed while throttled, so
// a flood of guesses costs no argon2id memory. On success the caller must still ask
// for the second factor when u.NeedsMFA().
func (a *Accounts) Authenticate(ctx context.Context, in SignIn, actx AuditContext) (*User, error) {
	ipKey := a.IPThrottleKey(in.IP)
	u, err := a.FindByLogin(ctx, in.Login)
	if err != nil {
		return nil, err
	}
	keys := []string{ipKey}
	if u != nil {
		keys = append(keys, a.AccountThrottleKey(u.ID))
	}
	if err := a.Throttle.Check(ctx, keys...); err != nil {
		a.auditSignIn(ctx, actx, u, OutcomeDenied, "throttled")
		return nil, err
	}
	if u == nil || u.PasswordHash == "" {
		if err := a.Hasher.DummyVerify(ctx); err != nil {
			return nil, err
		}
		if _, err := a.Throttle.Fail(ctx, ipKey, IPRule); err != nil {
			return nil, err
		}
		a.auditSignIn(ctx, actx, nil, OutcomeFailure, "unknown_login")
		return nil, Invalid("", "signin.failed")
	}
	ok, rehash, err := a.Hasher.Verify(ctx, u.PasswordHash, in.Password)
	if err != nil {
		return nil, fmt.Errorf("accounts: verify password: %w", err)
	}
	if !ok {
		return nil, a.failSignIn(ctx, u, ipKey, in.Lang, actx, "wrong_password")
	}
	if !u.Active() {
		a.auditSignIn(ctx, actx, u, OutcomeDenied, "account_locked")
		return nil, Forbidden("signin.locked")
	}
	if err := a.Throttle.Reset(ctx, a.AccountThrottleKey(u.ID)); err != nil {
		return nil, err
	}
	if rehash {
		if h, err := a.Hasher.Hash(ctx, in.Password); err == nil {
			a.DB.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Update("password_hash", h)
		}
	}
	if !u.NeedsMFA() {
		a.auditSignIn(ctx, actx, u, OutcomeSuccess, "password")
	}
	return u, nil
}

// failSignIn counts a wrong secret against the address and the account, locks the
// account at its limit (audited, owner told) and returns the error to show.
func (a *Accounts) failSignIn(ctx context.Context, u *User, ipKey string, lang i18n.Lang, actx AuditContext, reason string) error {
	if ipKey != "" {
		if _, err := a.Throttle.Fail(ctx, ipKey, IPRule); err != nil {
			return err
		}
	}
	lockedNow, err := a.Throttle.Fail(ctx, a.AccountThrottleKey(u.ID), AccountRule)
	if err != nil {
		return err
	}
	a.auditSignIn(ctx, actx, u, OutcomeFailure, reason)
	if lockedNow {
		minutes := int(AccountRule.LockFor.Minutes())
		_ = a.audit(ctx, actx.Entry("auth.lock", "user", idString(u.ID), OutcomeSuccess).
			With(map[string]string{"reason": "too_many_failures", "minutes": fmt.Sprint(minutes)}))
		a.tell(ctx, u, lang, "notice.locked.subject", "notice.locked.body", minutes)
		return RateLimited("signin.throttled", minutes)
	}
	if reason == "wrong_code" {
		return Invalid("code", "mfa.invalid")
	}
	return Invalid("", "signin.failed")
}

func (a *Accounts) auditSignIn(ctx context.Context, actx AuditContext, u *User, outcome, how string) {
	id := ""
	if u != nil {
		id = idString(u.ID)
		if outcome == OutcomeSuccess {
			actx.ActorKind, actx.ActorID = ActorKindOf(u.Kind), u.ID
		}
	}
	e := actx.Entry("auth.signin", "user", id, outcome).With(map[string]string{"method": how})
	if err := a.audit(ctx, e); err != nil && a.Notify != nil {
		a.Notify.Log.ErrorContext(ctx, "accounts: audit sign-in", "err", err)
	}
}

// SecondFactor checks a TOTP code (never the same time step twice) or a single-use
// recovery code for u, under the same throttle as passwords. On success the sign-in
// is complete and audited.
func (a *Accounts) SecondFactor(ctx context.Context, u *User, code string, lang i18n.Lang, actx AuditContext) error {
	if err := a.Throttle.Check(ctx, a.AccountThrottleKey(u.ID)); err != nil {
		return err
	}
	code = strings.Join(strings.Fields(code), "")
	if code == "" {
		return Invalid("code", "mfa.required")
	}
	method, ok, err := a.checkSecondFactor(ctx, u, code)
	if err != nil {
		return err
	}
	if !ok {
		_ = a.audit(ctx, actx.Entry("auth.mfa", "user", idString(u.ID), OutcomeFailure))
		return a.failSignIn(ctx, u, "", lang, actx, "wrong_code")
	}
	if err := a.Throttle.Reset(ctx, a.AccountThrottleKey(u.ID)); err != nil {
		return err
	}
	actx.ActorKind, actx.ActorID = ActorKindOf(u.Kind), u.ID
	_ = a.audit(ctx, actx.Entry("auth.mfa", "user", idString(u.ID), OutcomeSuccess).With(map[string]string{"method": method}))
	a.auditSignIn(ctx, actx, u, OutcomeSuccess, "password+"+method)
	if method == "recovery" {
		var left int64
		a.DB.WithContext(ctx).Model(&RecoveryCode{}).Where("user_id = ? AND used_at IS NULL", u.ID).Count(&left)
		a.tell(ctx, u, lang, "notice.recovery_used.subject", "notice.recovery_used.body", int(left))
	}
	return nil
}

func (a *Accounts) checkSecondFactor(ctx context.Context, u *User, code string) (method string, ok bool, err error) {
	if !u.HasMFA() {
		return "", false, nil
	}
	now := a.Now().UTC()
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		secret, err := a.Open("users", "mfa_secret", u.ID, u.ID, u.MFASecretEnc)
		if err != nil {
			return "", false, err
		}
		step, valid := totp.Validate(secret, code, now)
		if !valid {
			return "totp", false, nil
		}
		// The conditional update is the replay guard: a step at or below the last
		// accepted one matches no row, even when two requests race.
		res := a.DB.WithContext(ctx).Model(&User{}).Where("id = ? AND mfa_last_step < ?", u.ID, step).
			Update("mfa_last_step", step)
		if res.Error != nil {
			return "", false, fmt.Errorf("accounts: record totp step: %w", res.Error)
		}
		return "totp", res.RowsAffected == 1, nil
	}
	res := a.DB.WithContext(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", u.ID, totp.HashRecoveryCode(code)).
		Update("used_at", now)
	if res.Error != nil {
		return "", false, fmt.Errorf("accounts: use recovery code: %w", res.Error)
	}
	return "recovery", res.RowsAffected == 1, nil
}
