"""Byte links for the master: a TCP connection to an M-Bus gateway, or a serial line through a
level converter (8E1, raw). Both are non-blocking; read() waits at most the time it is given."""

import errno
import os
import select
import socket

try:
    import termios
except ImportError:  # not POSIX: TCP only
    termios = None


class TcpLink:
    """A transparent M-Bus/TCP gateway: bytes only, no baud rate of its own."""

    has_baud = False

    def __init__(self, endpoint, timeout):
        host, port = split_endpoint(endpoint)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        # Requests are small and latency counts; writes must not block (the HAL may not).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)

    def fileno(self):
        return self.sock.fileno()

    def write(self, data):
        try:
            return self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            return 0

    def read(self, timeout):
        """Bytes that arrive within @p timeout seconds (b"" when none); OSError when the peer has
        gone."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return b""
        try:
            data = self.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return b""
        if not data:
            raise ConnectionResetError(errno.EPIPE, "the gateway closed the connection")
        return data

    def set_baud(self, baud):
        pass  # the gateway's serial side has its own setting

    def flush(self):
        # A socket has no tcflush(): discard what is there now, without waiting (bounded, so that
        # a peer that sends without pause cannot hold us here).
        for _ in range(64):
            try:
                if not self.sock.recv(512):
                    return
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return

    def close(self):
        self.sock.close()


def split_endpoint(text):
    """"HOST:PORT" or "[IPv6]:PORT" to (host, port)."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"meterbus: tcp wants HOST:PORT ([IPv6]:PORT), not {text!r}")
    return host, int(port)


# PARMRK escapes (see SerialLink): where the last read ended inside one.
_PLAIN, _FF, _FF_00 = 0, 1, 2


def unmark(data, state):
    """Undo PARMRK escaping: FF FF is a data FF, FF 00 x a character received with a parity or
    framing error (x dropped, as mb_hal_t asks), FF 00 00 a break (dropped). @return (bytes kept,
    state for the next read), since an escape may be split across reads."""
    out = bytearray()
    for b in data:
        if state == _FF:
            if b == 0xFF:
                out.append(0xFF)
                state = _PLAIN
            elif b == 0x00:
                state = _FF_00
            else:
                # Not what a driver sends: drop the lone FF (the frame then fails its checksum
                # and is asked for again), keep this byte.
                out.append(b)
                state = _PLAIN
        elif state == _FF_00:
            state = _PLAIN
        elif b == 0xFF:
            state = _FF
        else:
            out.append(b)
    return bytes(out), state


class SerialLink:
    """A serial device at 8E1, raw, no flow control, non-blocking. Opened with INPCK | PARMRK and
    without IGNPAR, like the library's own host port: the driver marks characters received with a
    parity or framing error, and read() drops them, since the even parity catches the double bit
    errors a frame's checksum misses."""

    has_baud = True

    def __init__(self, path, baud):
        if termios is None:
            raise OSError(errno.ENOSYS, "serial lines need termios (POSIX)")
        self.speed = _speed(baud)
        flags = os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        self.fd = os.open(path, flags)
        try:
            if not os.isatty(self.fd):
                raise OSError(errno.ENOTTY, f"{path} is not a terminal")
            self._configure()
            termios.tcflush(self.fd, termios.TCIOFLUSH)  # what came before 8E1 is noise
        except BaseException:
            os.close(self.fd)
            raise
        self.state = _PLAIN

    def _configure(self):
        t = termios.tcgetattr(self.fd)
        iflag, oflag, cflag, lflag, _, _, cc = t
        # cfmakeraw(), then parity checking with marks.
        iflag &= ~(termios.IGNBRK | termios.BRKINT | termios.PARMRK | termios.ISTRIP
                   | termios.INLCR | termios.IGNCR | termios.ICRNL | termios.IXON
                   | termios.IXOFF | termios.IXANY | termios.IGNPAR)
        iflag |= termios.INPCK | termios.PARMRK
        oflag &= ~termios.OPOST
        lflag &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG
                   | termios.IEXTEN)
        cflag &= ~(termios.CSIZE | termios.CSTOPB | termios.PARODD)
        cflag &= ~getattr(termios, "CRTSCTS", 0)
        cflag &= ~getattr(termios, "CMSPAR", 0)  # mark/space parity instead of even
        cflag |= termios.CS8 | termios.PARENB | termios.CREAD | termios.CLOCAL
        cc = list(cc)
        cc[termios.VMIN] = 0
        cc[termios.VTIME] = 0
        attrs = [iflag, oflag, cflag, lflag, self.speed, self.speed, cc]
        try:
            termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
        except termios.error as e:
            # Linux refuses (EINVAL) a request whose only change is one the driver cannot make:
            # a pseudo-terminal has no parity. The rate is what matters; checked below.
            if e.args[0] != errno.EINVAL:
                raise OSError(e.args[0], e.args[1]) from None
        self._check_speed()

    def _check_speed(self):
        t = termios.tcgetattr(self.fd)
        if t[5] != self.speed:
            raise OSError(errno.EINVAL, "the line does not take that baud rate")

    def fileno(self):
        return self.fd

    def write(self, data):
        try:
            return os.write(self.fd, data)
        except (BlockingIOError, InterruptedError):
            return 0

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except (BlockingIOError, InterruptedError):
            return b""
        if not data:
            raise ConnectionResetError(errno.EPIPE, "the line hung up")
        kept, self.state = unmark(data, self.state)
        return kept

    def set_baud(self, baud):
        speed = _speed(baud)
        # The E5 acknowledging a switch must leave at the old rate: wait for the UART to empty.
        termios.tcdrain(self.fd)
        t = termios.tcgetattr(self.fd)
        t[4] = t[5] = speed
        termios.tcsetattr(self.fd, termios.TCSANOW, t)
        self.speed = speed
        self._check_speed()

    def flush(self):
        self.state = _PLAIN  # an escape cut in half by the flush is gone too
        termios.tcflush(self.fd, termios.TCIFLUSH)

    def close(self):
        os.close(self.fd)


def _speed(baud):
    name = f"B{int(baud)}"
    if termios is None or baud not in (300, 600, 1200, 2400, 4800, 9600, 19200, 38400):
        raise ValueError(f"meterbus: baud rate {baud} is not one of 300, 600, ... 38400")
    return getattr(termios, name)
