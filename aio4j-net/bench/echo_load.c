/*
 * Echo load generator: C connections to HOST:PORT, each sends a SIZE-byte message, waits for
 * the whole echo, and sends the next one (one message in flight per connection). Runs WARMUP
 * seconds unmeasured, then SECONDS measured. Prints one line:
 *   msgs_per_s=<n> mib_per_s=<n> p50_us=<n> p99_us=<n> msgs=<n>
 * Build: gcc -O2 -o echo_load echo_load.c
 * Usage: echo_load HOST PORT CONNS SIZE SECONDS [WARMUP]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_US 2000000
static uint32_t hist[MAX_US + 1];

typedef struct {
    int fd;
    size_t sent, received;
    double start;
    int want_out;
} conn_t;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *msg;
static size_t size;
static int ep;

static void set_out(conn_t *c, int on) {
    if (c->want_out == on) return;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = on;
}

static int pump_send(conn_t *c) {
    while (c->sent < size) {
        ssize_t n = write(c->fd, msg + c->sent, size - c->sent);
        if (n < 0) {
            if (errno == EAGAIN) { set_out(c, 1); return 0; }
            perror("write"); return -1;
        }
        c->sent += n;
    }
    set_out(c, 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: %s HOST PORT CONNS SIZE SECONDS [WARMUP]\n", argv[0]); return 2; }
    const char *host = argv[1];
    int port = atoi(argv[2]), nconn = atoi(argv[3]);
    size = (size_t) atol(argv[4]);
    double seconds = atof(argv[5]), warmup = argc > 6 ? atof(argv[6]) : 1.0;
    msg = malloc(size);
    memset(msg, 'x', size);
    char *buf = malloc(1 << 20);
    ep = epoll_create1(0);
    conn_t *cs = calloc(nconn, sizeof(conn_t));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    for (int i = 0; i < nconn; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) { perror("connect"); return 1; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        cs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    double t0 = now(), measure_from = t0 + warmup, end = measure_from + seconds;
    for (int i = 0; i < nconn; i++) { cs[i].start = now(); if (pump_send(&cs[i]) < 0) return 1; }
    long msgs = 0;
    struct epoll_event evs[256];
    while (1) {
        double t = now();
        if (t >= end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        for (int k = 0; k < n; k++) {
            conn_t *c = evs[k].data.ptr;
            if (evs[k].events & EPOLLOUT) { if (pump_send(c) < 0) return 1; }
            if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                while (1) {
                    ssize_t r = read(c->fd, buf, 1 << 20);
                    if (r < 0) { if (errno == EAGAIN) break; perror("read"); return 1; }
                    if (r == 0) { fprintf(stderr, "server closed a connection\n"); return 1; }
                    c->received += r;
                    if (c->received >= size) {
                        double done = now();
                        if (done >= measure_from && done < end) {
                            long us = (long) ((done - c->start) * 1e6);
                            hist[us > MAX_US ? MAX_US : us]++;
                            msgs++;
                        }
                        c->received -= size;
                        c->sent = 0;
                        c->start = done;
                        if (pump_send(c) < 0) return 1;
                    }
                }
            }
        }
    }
    long p50 = -1, p99 = -1, acc = 0;
    for (long us = 0; us <= MAX_US; us++) {
        acc += hist[us];
        if (p50 < 0 && acc * 2 >= msgs) p50 = us;
        if (p99 < 0 && acc * 100 >= msgs * 99) { p99 = us; break; }
    }
    printf("msgs_per_s=%.0f mib_per_s=%.1f p50_us=%ld p99_us=%ld msgs=%ld\n", msgs / seconds,
           msgs * (double) size / seconds / 1048576.0, p50, p99, msgs);
    return 0;
}
