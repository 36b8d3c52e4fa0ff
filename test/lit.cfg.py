# lit configuration for hcu's tests. One scenario per file; RUN lines use the
# substitutions below.
import os
import lit.formats

config.name = "hcu"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.hcu_bin_dir), "test")
# Inputs/ hold helper files; alphabet/ holds the demo program's sources; unit/
# is GoogleTest, run by ctest directly.
config.excludes = ["Inputs", "alphabet", "unit", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py.in"]

config.environment["PATH"] = os.pathsep.join(
    [config.hcu_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
# Keep each test's control sockets away from any other run on this machine.
config.environment["HCU_RUNTIME_DIR"] = os.path.join(config.test_exec_root, "hcu-run")

def tool(name):
    return os.path.join(config.hcu_bin_dir, name)

config.substitutions.append(("%hcu_transform", tool("hcu-transform")))
config.substitutions.append(("%hcu_cc", tool("hcu-cc")))
config.substitutions.append(("%hcuapply", tool("hcuapply")))
config.substitutions.append(("%hcu_patchgen", tool("hcu-patchgen")))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%alphabet_src", os.path.join(config.hcu_src_root, "test", "alphabet")))
config.substitutions.append(("%hcu_include", os.path.join(config.hcu_src_root, "runtime", "include")))
config.substitutions.append(("%hcu_lib", config.hcu_lib_dir))
config.substitutions.append(("%src_root", config.hcu_src_root))

# On a sanitizer build, the programs and patches the tests build are
# sanitized too (the runtime linked into them is).
if config.hcu_sanitize in ("ON", "1", "TRUE", "YES"):
    config.environment["HCU_TEST_CFLAGS"] = "-fsanitize=address,undefined -fno-omit-frame-pointer"
    config.substitutions.append(("%test_cflags", config.environment["HCU_TEST_CFLAGS"]))
    config.available_features.add("sanitizer")
else:
    config.substitutions.append(("%test_cflags", ""))
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "HCU_SOAK_UPDATES"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# security.test runs hcuapply as another uid (setpriv), which needs root.
import shutil
if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv"):
    config.available_features.add("root-setpriv")

# The tinyproxy test fetches Debian's source package at run time: it needs
# apt with a deb-src entry that knows tinyproxy (checked offline here).
try:
    import subprocess as _sp
    if _sp.run(["apt-get", "source", "--print-uris", "-qq", "tinyproxy"],
               stdout=_sp.DEVNULL, stderr=_sp.DEVNULL, timeout=20).returncode == 0:
        config.available_features.add("tinyproxy-src")
except (OSError, _sp.TimeoutExpired):
    pass
