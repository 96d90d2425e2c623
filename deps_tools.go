//go:build tools

// This file pins the module's outside dependencies while their packages are
// being written, so that go mod tidy keeps them. It is never compiled.
package main

import (
	_ "github.com/FerretDB/FerretDB/ferretdb"
	_ "github.com/chromedp/chromedp"
	_ "github.com/gofiber/fiber/v2"
	_ "github.com/golang-jwt/jwt/v5"
	_ "go.mongodb.org/mongo-driver/v2/mongo"
	_ "golang.org/x/crypto/argon2"
	_ "modernc.org/sqlite"
)
