"""stance — Python binding (ctypes) for libstance: named voices in business news and
their stance (bullish, critical, cautious).

    import stance
    for v in stance.score(open("article.txt").read()):
        print(v["speaker"], v["label"], round(v["confidence"], 2), v["quote"][:40])
    stance.segment(text)        # the voices, without labels
    stance.score_quote(quote)   # {"label", "confidence", "probabilities"}

No dependencies beyond the standard library and an installed libstance.so.0. The library
is found through $STANCE_LIB (a path to the .so), then ctypes.util.find_library("stance"),
then the lib directory beside this file when it is installed under PREFIX/share/stance/
python, then /usr/local/lib, /usr/lib/<multiarch> and /usr/lib. The model is the one given
(a path or a Model), else $STANCE_MODEL, else PREFIX/share/stance/stance.model of the
library that was loaded.

Offsets: when the text is a str, start, end and spans are character offsets into it, so
text[start:end] is the quote (for a quote in one part); when it is bytes (UTF-8), they
are byte offsets, exactly as the C library and the CLI give them.

The structures below mirror include/stance.h field for field; the test suite compares
their sizes and offsets with the C compiler's.
"""
import ctypes
import ctypes.util
import os
import threading

__all__ = ["score", "segment", "score_quote", "Model", "StanceError", "version", "library_path"]

# ------------------------------------------------------------------ the C structures

STANCE_MAX_LABELS = 8
STATUS = ["OK", "E_IO", "E_INPUT", "E_MODEL", "E_ARG", "E_NOMEM", "E_CANCELLED", "E_INTERNAL"]


class stance_error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int),       # stance_status (an enum: int)
                ("file", ctypes.c_char * 256),
                ("line", ctypes.c_long),
                ("byte", ctypes.c_long),
                ("text", ctypes.c_char * 320)]


class stance_str(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p),       # const char *, not NUL-terminated; NULL = absent
                ("len", ctypes.c_size_t)]


class stance_span(ctypes.Structure):
    _fields_ = [("start", ctypes.c_size_t),
                ("end", ctypes.c_size_t)]


class stance_voice(ctypes.Structure):
    _fields_ = [("speaker", stance_str),
                ("role", stance_str),
                ("org", stance_str),
                ("quote", stance_str),
                ("spans", ctypes.POINTER(stance_span)),
                ("nspans", ctypes.c_size_t),
                ("start", ctypes.c_size_t),
                ("end", ctypes.c_size_t),
                ("rule", ctypes.c_char_p),
                ("confidence", ctypes.c_double)]


class stance_result(ctypes.Structure):
    _fields_ = [("label", ctypes.c_int),
                ("confidence", ctypes.c_double),
                ("prob", ctypes.c_double * STANCE_MAX_LABELS),
                ("decision", ctypes.c_double * (STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) // 2)),
                ("npairs", ctypes.c_size_t)]


# ------------------------------------------------------------------ loading the library

def _candidates():
    env = os.environ.get("STANCE_LIB")
    if env:
        yield env
        return  # an explicit choice is not second-guessed
    found = ctypes.util.find_library("stance")
    if found:
        yield found
    here = os.path.dirname(os.path.abspath(__file__))
    prefix = os.path.normpath(os.path.join(here, "..", "..", ".."))  # PREFIX/share/stance/python
    dirs = [os.path.join(prefix, "lib"), os.path.join(prefix, "lib64"), "/usr/local/lib", "/usr/local/lib64"]
    try:
        multiarch = os.uname().machine + "-linux-gnu"
        dirs += ["/usr/local/lib/" + multiarch, "/usr/lib/" + multiarch]
    except AttributeError:
        pass
    dirs += ["/usr/lib64", "/usr/lib"]
    for d in dirs:
        yield os.path.join(d, "libstance.so.0")


def _load():
    tried = []
    for c in _candidates():
        if os.sep in c and not os.path.exists(c):
            tried.append(c + " (absent)")
            continue
        try:
            return ctypes.CDLL(c), c
        except OSError as e:
            tried.append("%s (%s)" % (c, e))
    raise OSError("libstance not found; set STANCE_LIB to the path of libstance.so.0. Tried: "
                  + "; ".join(tried))


_lib, _lib_name = _load()


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_P = ctypes.POINTER
_version = _fn("stance_version", ctypes.c_char_p)
_error_clear = _fn("stance_error_clear", None, _P(stance_error))
_error_format = _fn("stance_error_format", ctypes.c_char_p, _P(stance_error), ctypes.c_char_p, ctypes.c_size_t)
_segment = _fn("stance_segment", ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, _P(ctypes.c_void_p),
               _P(stance_error))
_voices_count = _fn("stance_voices_count", ctypes.c_size_t, ctypes.c_void_p)
_voices_get = _fn("stance_voices_get", _P(stance_voice), ctypes.c_void_p, ctypes.c_size_t)
_voices_free = _fn("stance_voices_free", None, ctypes.c_void_p)
_model_load = _fn("stance_model_load", ctypes.c_int, ctypes.c_char_p, _P(ctypes.c_void_p), _P(stance_error))
_model_free = _fn("stance_model_free", None, ctypes.c_void_p)
_model_nlabels = _fn("stance_model_nlabels", ctypes.c_size_t, ctypes.c_void_p)
_model_label = _fn("stance_model_label", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
_model_info = _fn("stance_model_info", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p)
_scratch_new = _fn("stance_scratch_new", ctypes.c_void_p, ctypes.c_void_p)
_scratch_free = _fn("stance_scratch_free", None, ctypes.c_void_p)
_score = _fn("stance_score", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
             _P(stance_result), _P(stance_error))

if not _version().decode().startswith("0."):
    raise ImportError("%s is libstance %s; this binding is for 0.x" % (_lib_name, _version().decode()))


def version():
    """The version of the loaded libstance, "MAJOR.MINOR.PATCH"."""
    return _version().decode()


def library_path():
    """Where libstance was loaded from."""
    return _lib_name


class StanceError(Exception):
    """A stance_error: .status ("E_INPUT", ...), .file, .line, .byte and the message."""

    def __init__(self, err):
        buf = ctypes.create_string_buffer(800)
        msg = _error_format(ctypes.byref(err), buf, len(buf)).decode("utf-8", "replace")
        super().__init__(msg)
        self.status = STATUS[err.status] if 0 <= err.status < len(STATUS) else str(err.status)
        self.file = err.file.decode("utf-8", "replace")
        self.line = err.line
        self.byte = err.byte


def _check(status, err):
    if status:
        raise StanceError(err)


# ------------------------------------------------------------------ the model

class _Dl_info(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _loaded_file():
    """The file the dynamic loader mapped libstance from (find_library gives a bare name)."""
    if os.sep in _lib_name:
        return _lib_name
    try:
        dladdr = ctypes.CDLL(None).dladdr
        dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Dl_info)]
        info = _Dl_info()
        if dladdr(ctypes.cast(_lib.stance_version, ctypes.c_void_p), ctypes.byref(info)) and info.dli_fname:
            return os.fsdecode(info.dli_fname)
    except (OSError, AttributeError):
        pass
    return None


def _default_model_path():
    env = os.environ.get("STANCE_MODEL")
    if env:
        return env
    paths = []
    lib = _loaded_file()
    if lib:
        libdir = os.path.dirname(os.path.realpath(lib))
        for up in ("..", os.path.join("..", "..")):  # PREFIX/lib or PREFIX/lib/<multiarch>
            paths.append(os.path.normpath(os.path.join(libdir, up, "share", "stance", "stance.model")))
    paths += ["/usr/local/share/stance/stance.model", "/usr/share/stance/stance.model"]
    for p in paths:
        if os.path.isfile(p):
            return p
    raise FileNotFoundError("no stance model found (set STANCE_MODEL); looked in " + ", ".join(paths))


class Model:
    """A loaded, validated model bundle. Immutable: any number of threads may score with
    one Model at once (each thread gets its own scratch memory)."""

    def __init__(self, path=None):
        self.path = path if path is not None else _default_model_path()
        err = stance_error()
        h = ctypes.c_void_p()
        _check(_model_load(os.fsencode(self.path), ctypes.byref(h), ctypes.byref(err)), err)
        self._h = h
        self.labels = [_model_label(h, i).decode() for i in range(_model_nlabels(h))]
        self._local = threading.local()
        self._scratches = []
        self._lock = threading.Lock()

    def info(self, key):
        """A header field of the bundle ("seed", "C", ...), or None."""
        v = _model_info(self._h, key.encode())
        return v.decode() if v is not None else None

    def _scratch(self):
        s = getattr(self._local, "s", None)
        if s is None:
            s = _scratch_new(self._h)
            if not s:
                raise MemoryError("stance_scratch_new")
            self._local.s = s
            with self._lock:
                self._scratches.append(s)
        return s

    def score_bytes(self, b):
        """Score one UTF-8 quote: {"label", "confidence", "probabilities"}."""
        res, err = stance_result(), stance_error()
        _check(_score(self._h, self._scratch(), b, len(b), ctypes.byref(res), ctypes.byref(err)), err)
        return {"label": self.labels[res.label], "confidence": res.confidence,
                "probabilities": {lab: res.prob[i] for i, lab in enumerate(self.labels)}}

    def close(self):
        """Free the model now (it is freed anyway when garbage-collected)."""
        if getattr(self, "_h", None):
            with self._lock:
                for s in self._scratches:
                    _scratch_free(s)
                self._scratches = []
            _model_free(self._h)
            self._h = None
            self._local = threading.local()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may be half torn down
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_default = None
_default_lock = threading.Lock()


def _model(model):
    global _default
    if isinstance(model, Model):
        return model
    if model is not None:
        return Model(model)
    with _default_lock:
        if _default is None:
            _default = Model()
        return _default


# ------------------------------------------------------------------ the API

def _as_bytes(text):
    if isinstance(text, str):
        return text.encode("utf-8"), True
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text), False
    raise TypeError("text must be str or bytes, not %s" % type(text).__name__)


class _Offsets:
    """Byte offsets in UTF-8 -> character offsets in the str it came from."""

    def __init__(self, b):
        self.b = b
        self.cache = {0: 0}

    def __call__(self, off):
        c = self.cache.get(off)
        if c is None:
            below = max(k for k in self.cache if k <= off)
            c = self.cache[below] + len(self.b[below:off].decode("utf-8", "replace"))
            self.cache[off] = c
        return c


def _s(v):
    if not v.ptr:
        return None
    return ctypes.string_at(v.ptr, v.len).decode("utf-8", "replace")


def _voices(b, chars):
    h, err = ctypes.c_void_p(), stance_error()
    _check(_segment(b, len(b), ctypes.byref(h), ctypes.byref(err)), err)
    out = []
    try:
        conv = _Offsets(b) if chars else (lambda o: o)
        for i in range(_voices_count(h)):
            v = _voices_get(h, i).contents
            quote_bytes = ctypes.string_at(v.quote.ptr, v.quote.len) if v.quote.ptr else b""
            out.append(({
                "speaker": _s(v.speaker),
                "role": _s(v.role),
                "org": _s(v.org),
                "quote": quote_bytes.decode("utf-8", "replace"),
                "start": conv(v.start),
                "end": conv(v.end),
                "spans": [(conv(v.spans[k].start), conv(v.spans[k].end)) for k in range(v.nspans)],
                "rule": v.rule.decode() if v.rule else None,
                "attribution_confidence": v.confidence,
            }, quote_bytes))
    finally:
        _voices_free(h)
    return out


def segment(text):
    """The voices of an article (str or UTF-8 bytes), in order: a list of dicts
    {speaker, role, org, quote, start, end, spans, rule, attribution_confidence};
    speaker, role and org may be None."""
    b, chars = _as_bytes(text)
    return [v for v, _ in _voices(b, chars)]


def score(text, model=None):
    """The voices of an article with their stance: segment()'s dicts plus label,
    confidence and probabilities. model: None (the installed model), a path or a Model."""
    m = _model(model)
    b, chars = _as_bytes(text)
    out = []
    for v, q in _voices(b, chars):
        v.update(m.score_bytes(q))
        out.append(v)
    return out


def score_quote(text, model=None):
    """The stance of one quote: {"label", "confidence", "probabilities"}."""
    b, _ = _as_bytes(text)
    return _model(model).score_bytes(b)
