# Run by bench/flagship.sh inside the python-dev image (`python3 -c "$(cat bench/python-dev-check.py)"`, as
# nonroot, without network): what the issue asks of python-dev. pip installs a pure-Python wheel from a local
# folder with --no-index, and setuptools builds a C extension with the image's gcc; both then import. (Building
# a wheel with setuptools 65 would need the `wheel` package, which ensurepip does not bundle: the wheel is made
# here as the format describes it, a zip file with its metadata and RECORD.) Prints one line; any failure raises.
import base64
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

work = tempfile.mkdtemp()
env = dict(os.environ, HOME=work, PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
quiet = dict(env=env, check=True, stdout=subprocess.DEVNULL)

# a pure-Python wheel in a local folder, installed by pip offline
wheels = os.path.join(work, "wheels")
os.makedirs(wheels)
files = {
    "kilnhello/__init__.py": "def greet():\n    return 'forged by kiln'\n",
    "kilnhello-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: kilnhello\nVersion: 1.0\n",
    "kilnhello-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: kiln\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(os.path.join(wheels, "kilnhello-1.0-py3-none-any.whl"), "w") as z:
    for name, text in files.items():
        data = text.encode()
        z.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("kilnhello-1.0.dist-info/RECORD,,")
    z.writestr("kilnhello-1.0.dist-info/RECORD", "\n".join(record) + "\n")
target = os.path.join(work, "site")
subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--find-links", wheels, "--target", target,
                "kilnhello"], **quiet)

# a C extension, built by setuptools with gcc against the image's Python headers
ext = os.path.join(work, "kilnext")
os.makedirs(ext)
with open(os.path.join(ext, "setup.py"), "w") as f:
    f.write("from setuptools import Extension, setup\n"
            "setup(name='kilnext', version='1.0', ext_modules=[Extension('kilnext', ['kilnext.c'])])\n")
with open(os.path.join(ext, "kilnext.c"), "w") as f:
    f.write("""#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(6 * 7); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "kilnext", NULL, -1, methods};
PyMODINIT_FUNC PyInit_kilnext(void) { return PyModule_Create(&module); }
""")
subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=ext, **quiet)

sys.path[:0] = [target, ext]
import kilnext  # noqa: E402
import kilnhello  # noqa: E402

assert kilnhello.greet() == "forged by kiln" and kilnext.answer() == 42
print("python-dev: pip installed kilnhello from a local wheel, setuptools built", os.path.basename(kilnext.__file__))
