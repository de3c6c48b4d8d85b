package config

import (
	"strings"
	"testing"
)

func TestBlobSettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{}))
	if err != nil || c.Blob != (Blob{}) {
		t.Fatalf("default: %+v, %v", c.Blob, err)
	}
	c, err = FromEnv(env(map[string]string{
		"PORTAL_BLOB_URL":      "s3://portal/blobs?endpoint=127.0.0.1:9000&tls=false",
		"PORTAL_S3_ACCESS_KEY": "ak", "PORTAL_S3_SECRET_KEY": "sk",
	}))
	if err != nil || c.Blob.URL == "" || c.Blob.AccessKey != "ak" || c.Blob.SecretKey != "sk" {
		t.Fatalf("s3: %+v, %v", c.Blob, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PORTAL_BLOB_URL": "s3://portal?endpoint=h:9000"}, "PORTAL_S3_SECRET_KEY"},
		{map[string]string{"PORTAL_BLOB_URL": "file:///srv/blobs"}, "PORTAL_BLOB_URL"},
		{map[string]string{"PORTAL_BLOB_URL": "s3://portal", "PORTAL_S3_ACCESS_KEY": "ak", "PORTAL_S3_SECRET_KEY": "sk"}, "endpoint"},
		// Keys without a bucket would silently keep files on the local disk.
		{map[string]string{"PORTAL_S3_ACCESS_KEY": "ak", "PORTAL_S3_SECRET_KEY": "sk"}, "PORTAL_BLOB_URL is empty"},
	} {
		if _, err := FromEnv(env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one mentioning %q", tc.env, err, tc.want)
		}
	}
	if !strings.Contains(Help(), "PORTAL_S3_SECRET_KEY") {
		t.Error("--help does not list PORTAL_S3_SECRET_KEY")
	}
}
