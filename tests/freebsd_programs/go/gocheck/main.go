// gocheck: FreeBSD Go runtime checks for bsdulator, one per subcommand. Each prints "ok NAME"
// and exits 0, or prints "FAIL ..." and exits 1. Built with CGO_ENABLED=0 GOOS=freebsd.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

func fail(format string, args ...any) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

// thrSelf is FreeBSD's thr_self(2): the calling OS thread's id.
func thrSelf() int64 {
	var id int64
	_, _, errno := syscall.RawSyscall(syscall.SYS_THR_SELF, uintptr(unsafe.Pointer(&id)), 0, 0)
	if errno != 0 {
		fail("thr_self: %v", errno)
	}
	return id
}

// threads: goroutines locked to their own OS threads (thr_new), each with its own id, and
// work shared between them through channels and a mutex.
func threads() {
	const n = 6
	runtime.GOMAXPROCS(4)
	ids := make(chan int64, n)
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			ids <- thrSelf()
			<-release // every goroutine holds its thread until all have reported
			for j := 0; j < 1000; j++ {
				mu.Lock()
				total += i
				mu.Unlock()
			}
		}(i)
	}
	seen := map[int64]bool{}
	for i := 0; i < n; i++ {
		seen[<-ids] = true
	}
	close(release)
	wg.Wait()
	if len(seen) != n {
		fail("threads: %d distinct thread ids for %d locked goroutines", len(seen), n)
	}
	if want := 1000 * (n * (n - 1) / 2); total != want {
		fail("threads: total %d, want %d", total, want)
	}
	fmt.Printf("ok threads %d\n", len(seen))
}

// timers: sleeps, a ticker, AfterFunc and a timeout in select never end early.
func timers() {
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	if d := time.Since(start); d < 30*time.Millisecond {
		fail("timers: Sleep(30ms) returned after %v", d)
	}
	t := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-t.C
	}
	t.Stop()
	fired := make(chan time.Time, 1)
	armed := time.Now()
	time.AfterFunc(20*time.Millisecond, func() { fired <- time.Now() })
	select {
	case at := <-fired:
		if at.Sub(armed) < 20*time.Millisecond {
			fail("timers: AfterFunc(20ms) fired after %v", at.Sub(armed))
		}
	case <-time.After(10 * time.Second):
		fail("timers: AfterFunc never fired")
	}
	never := make(chan int)
	select {
	case <-never:
		fail("timers: a nil send arrived")
	case <-time.After(15 * time.Millisecond):
	}
	fmt.Println("ok timers")
}

// tcp: a server and a client on loopback through the kqueue netpoller, with a deadline.
func tcp() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("tcp: listen: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					io.WriteString(c, strings.ToUpper(line))
				}
			}(c)
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				fail("tcp: dial: %v", err)
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for j := 0; j < 20; j++ {
				msg := fmt.Sprintf("hello %d-%d\n", i, j)
				io.WriteString(c, msg)
				got, err := r.ReadString('\n')
				if err != nil || got != strings.ToUpper(msg) {
					fail("tcp: got %q, %v for %q", got, err, msg)
				}
			}
			// Nothing more comes: the read deadline ends the read.
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if _, err := r.ReadString('\n'); err == nil || !os.IsTimeout(err) {
				fail("tcp: read past the deadline: %v", err)
			}
		}(i)
	}
	wg.Wait()
	fmt.Println("ok tcp")
}

// exec: os/exec runs a FreeBSD program with arguments, stdin and stdout pipes, an exit status.
func execProgram(dir string) {
	out, err := exec.Command(filepath.Join(dir, "echo"), "from", "child").Output()
	if err != nil || string(out) != "from child\n" {
		fail("exec: echo gave %q, %v", out, err)
	}
	cmd := exec.Command(filepath.Join(dir, "cat"))
	cmd.Stdin = strings.NewReader("through a pipe\n")
	var buf bytes.Buffer
	cmd.Stdout = &buf
	if err := cmd.Run(); err != nil || buf.String() != "through a pipe\n" {
		fail("exec: cat gave %q, %v", buf.String(), err)
	}
	err = exec.Command(filepath.Join(dir, "sh"), "-c", "exit 3").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		fail("exec: sh -c 'exit 3' gave %v", err)
	}
	fmt.Println("ok exec")
}

// signals: signal.Notify receives signals sent to the process, and a goroutine spinning
// without function calls is preempted (the runtime's SIGURG, delivered on its sigaltstack).
func signals() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGHUP, syscall.SIGINFO)
	for _, s := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGHUP, syscall.SIGINFO} {
		syscall.Kill(os.Getpid(), s)
		select {
		case got := <-c:
			if got != s {
				fail("signals: sent %v, got %v", s, got)
			}
		case <-time.After(10 * time.Second):
			fail("signals: %v never arrived", s)
		}
	}
	signal.Stop(c)

	runtime.GOMAXPROCS(1)
	var spin uint64
	go func() {
		for {
			spin++
		}
	}()
	time.Sleep(20 * time.Millisecond) // only a preempted spinner lets this goroutine resume
	fmt.Println("ok signals")
}

// files: create, write, read back, rename, list, stat, chmod, remove.
func files(dir string) {
	base, err := os.MkdirTemp(dir, "gocheck")
	if err != nil {
		fail("files: mkdirtemp: %v", err)
	}
	defer os.RemoveAll(base)
	a := filepath.Join(base, "a.txt")
	data := bytes.Repeat([]byte("0123456789"), 10000)
	if err := os.WriteFile(a, data, 0o640); err != nil {
		fail("files: write: %v", err)
	}
	f, err := os.OpenFile(a, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		fail("files: open append: %v", err)
	}
	f.WriteString("end")
	f.Close()
	b := filepath.Join(base, "b.txt")
	if err := os.Rename(a, b); err != nil {
		fail("files: rename: %v", err)
	}
	got, err := os.ReadFile(b)
	if err != nil || !bytes.Equal(got, append(data, "end"...)) {
		fail("files: read back %d bytes, %v", len(got), err)
	}
	if err := os.Chmod(b, 0o600); err != nil {
		fail("files: chmod: %v", err)
	}
	st, err := os.Stat(b)
	if err != nil || st.Size() != int64(len(data)+3) || st.Mode().Perm() != 0o600 {
		fail("files: stat %v, %v", st, err)
	}
	os.Mkdir(filepath.Join(base, "sub"), 0o755)
	entries, err := os.ReadDir(base)
	if err != nil || len(entries) != 2 || entries[0].Name() != "b.txt" || !entries[1].IsDir() {
		fail("files: readdir %v, %v", entries, err)
	}
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		fail("files: the renamed file is still there: %v", err)
	}
	fmt.Println("ok files")
}

type record struct{ x int }

var zero = 0

func nilDeref() (err any) {
	defer func() { err = recover() }()
	var p *record
	return p.x
}

func divide() (err any) {
	defer func() { err = recover() }()
	return 1 / zero
}

// faults: the runtime turns SIGSEGV and SIGFPE into panics by rewriting the signal context,
// a write to a closed pipe is EPIPE (SIGPIPE on a non-stdout descriptor is ignored), and
// os.Executable finds the program (kern.proc.pathname).
func faults() {
	if err := nilDeref(); err == nil || !strings.Contains(fmt.Sprint(err), "nil pointer") {
		fail("faults: nil dereference gave %v", err)
	}
	if err := divide(); err == nil || !strings.Contains(fmt.Sprint(err), "divide by zero") {
		fail("faults: division by zero gave %v", err)
	}
	r, w, _ := os.Pipe()
	r.Close()
	if _, err := w.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
		fail("faults: write to a closed pipe gave %v", err)
	}
	exe, err := os.Executable()
	if err != nil || filepath.Base(exe) != filepath.Base(os.Args[0]) {
		fail("faults: os.Executable gave %q, %v", exe, err)
	}
	if len(os.Args) > 2 { // an unrecovered panic: the runtime's report, exit status 2
		var p *record
		fmt.Println(p.x)
	}
	fmt.Println("ok faults")
}

func main() {
	if len(os.Args) < 2 {
		fmt.Println("usage: gocheck threads|timers|tcp|exec DIR|signals|files DIR|faults [panic]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "threads":
		threads()
	case "timers":
		timers()
	case "tcp":
		tcp()
	case "exec":
		execProgram(os.Args[2])
	case "signals":
		signals()
	case "files":
		files(os.Args[2])
	case "faults":
		faults()
	default:
		fail("unknown check %q", os.Args[1])
	}
}
