# syntax=docker/dockerfile:1
# Build: a static binary (pure Go: modernc.org/sqlite needs no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yugongkai ./cmd/yugongkai \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yugongkai /usr/local/bin/yugongkai
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV YUGONGKAI_ADDR=:8080 YUGONGKAI_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/yugongkai", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/yugongkai"]
