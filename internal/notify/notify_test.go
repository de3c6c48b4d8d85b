package notify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"13812341234": "138****1234", "+8613812341234": "+86****1234", "1234567": "12****67",
		"12345": "****45", "12": "****", "": "",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"alice@example.com": "a***@example.com", "张三@例子.中国": "张***@例子.中国",
		"@x.cn": "***@x.cn", "nobody": "***",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecorderLogsNoBodyAndKeepsRecent(t *testing.T) {
	var logs bytes.Buffer
	r := NewRecorder(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	_ = r.SendSMS(ctx, "13812341234", "验证码 424242")
	_ = r.SendEmail(ctx, "alice@example.com", "Welcome", "code 515151")
	out := logs.String()
	for _, secret := range []string{"424242", "515151", "13812341234", "alice@example.com"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "138****1234") || !strings.Contains(out, "a***@example.com") || !strings.Contains(out, "Welcome") {
		t.Errorf("log lacks masked recipients or subject:\n%s", out)
	}
	got := r.Recent()
	if len(got) != 2 || got[0].Channel != Email || got[1].Body != "验证码 424242" {
		t.Fatalf("Recent = %+v", got)
	}
}

func TestRecorderRingKeepsLast200(t *testing.T) {
	r := NewRecorder(slog.New(slog.DiscardHandler))
	var wg sync.WaitGroup
	for g := 0; g < 5; g++ { // concurrent senders: run with -race
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				_ = r.SendSMS(context.Background(), "1", "x")
			}
		}()
	}
	wg.Wait()
	if n := len(r.Recent()); n != 100 {
		t.Fatalf("after 100 concurrent sends Recent has %d", n)
	}
	r = NewRecorder(slog.New(slog.DiscardHandler))
	for i := 0; i < 250; i++ {
		_ = r.SendSMS(context.Background(), "1", fmt.Sprint(i))
	}
	got := r.Recent()
	if len(got) != 200 || got[0].Body != "249" || got[199].Body != "50" {
		t.Fatalf("len %d, newest %q, oldest %q", len(got), got[0].Body, got[len(got)-1].Body)
	}
}
