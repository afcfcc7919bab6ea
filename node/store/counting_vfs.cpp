#include "node/store/counting_vfs.hpp"

#include <sqlite3.h>

#include <atomic>

namespace clearway::node {

struct counting_vfs::state {
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;
  std::string name;
  std::atomic<std::uint64_t> syncs{0};
  std::atomic<std::uint64_t> wal_syncs{0};
};

namespace {

struct counted_file {
  sqlite3_file base;  // first: this is what SQLite sees
  sqlite3_file* real;  // the default VFS's file, allocated right after this struct
  counting_vfs::state* owner;
  bool is_wal;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<counted_file*>(f)->real; }
counting_vfs::state* state_of(sqlite3_vfs* v) { return static_cast<counting_vfs::state*>(v->pAppData); }

int f_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods != nullptr ? r->pMethods->xClose(r) : SQLITE_OK;
}
int f_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return real_of(f)->pMethods->xRead(real_of(f), b, n, o); }
int f_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 s) { return real_of(f)->pMethods->xTruncate(real_of(f), s); }
int f_sync(sqlite3_file* f, int flags) {
  auto* c = reinterpret_cast<counted_file*>(f);
  c->owner->syncs.fetch_add(1, std::memory_order_relaxed);
  if (c->is_wal) c->owner->wal_syncs.fetch_add(1, std::memory_order_relaxed);
  return c->real->pMethods->xSync(c->real, flags);
}
int f_size(sqlite3_file* f, sqlite3_int64* s) { return real_of(f)->pMethods->xFileSize(real_of(f), s); }
int f_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int f_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int f_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int f_control(sqlite3_file* f, int op, void* arg) { return real_of(f)->pMethods->xFileControl(real_of(f), op, arg); }
int f_sector(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int f_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int f_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** p) {
  return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, extend, p);
}
int f_shm_lock(sqlite3_file* f, int off, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), off, n, flags);
}
void f_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int f_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
int f_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return real_of(f)->pMethods->xFetch(real_of(f), o, n, p); }
int f_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return real_of(f)->pMethods->xUnfetch(real_of(f), o, p); }

const sqlite3_io_methods counted_methods = {
    3,          f_close,   f_read,   f_write,   f_truncate, f_sync,     f_size,        f_lock,      f_unlock,
    f_check_reserved, f_control, f_sector, f_device, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch,
    f_unfetch,
};

int v_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  counting_vfs::state* st = state_of(v);
  auto* c = reinterpret_cast<counted_file*>(f);
  c->real = reinterpret_cast<sqlite3_file*>(c + 1);
  c->real->pMethods = nullptr;
  c->owner = st;
  c->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->pMethods = nullptr;
  const int rc = st->real->xOpen(st->real, name, c->real, flags, out_flags);
  if (c->real->pMethods == nullptr) return rc;  // nothing to close either
  // Version 3 methods are what the unix VFS provides; anything older is wrapped as version 3
  // would call missing entries, so it is refused.
  if (c->real->pMethods->iVersion < 3) {
    c->real->pMethods->xClose(c->real);
    return SQLITE_CANTOPEN;
  }
  f->pMethods = &counted_methods;
  return rc;
}

int v_delete(sqlite3_vfs* v, const char* n, int sync) { return state_of(v)->real->xDelete(state_of(v)->real, n, sync); }
int v_access(sqlite3_vfs* v, const char* n, int flags, int* out) {
  return state_of(v)->real->xAccess(state_of(v)->real, n, flags, out);
}
int v_full_path(sqlite3_vfs* v, const char* n, int size, char* out) {
  return state_of(v)->real->xFullPathname(state_of(v)->real, n, size, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* n) { return state_of(v)->real->xDlOpen(state_of(v)->real, n); }
void v_dl_error(sqlite3_vfs* v, int n, char* msg) { state_of(v)->real->xDlError(state_of(v)->real, n, msg); }
void (*v_dl_sym(sqlite3_vfs* v, void* h, const char* s))(void) { return state_of(v)->real->xDlSym(state_of(v)->real, h, s); }
void v_dl_close(sqlite3_vfs* v, void* h) { state_of(v)->real->xDlClose(state_of(v)->real, h); }
int v_random(sqlite3_vfs* v, int n, char* out) { return state_of(v)->real->xRandomness(state_of(v)->real, n, out); }
int v_sleep(sqlite3_vfs* v, int us) { return state_of(v)->real->xSleep(state_of(v)->real, us); }
int v_time(sqlite3_vfs* v, double* out) { return state_of(v)->real->xCurrentTime(state_of(v)->real, out); }
int v_last_error(sqlite3_vfs* v, int n, char* out) { return state_of(v)->real->xGetLastError(state_of(v)->real, n, out); }
int v_time64(sqlite3_vfs* v, sqlite3_int64* out) {
  return state_of(v)->real->xCurrentTimeInt64(state_of(v)->real, out);
}

std::atomic<std::uint64_t> next_vfs_number{0};

}  // namespace

std::unique_ptr<counting_vfs> counting_vfs::create() {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 2) return nullptr;
  std::unique_ptr<counting_vfs> out(new counting_vfs());
  out->state_ = std::make_unique<state>();
  state& st = *out->state_;
  st.real = real;
  st.name = "clearway-counting-" + std::to_string(next_vfs_number.fetch_add(1));
  sqlite3_vfs& v = st.vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(counted_file)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = st.name.c_str();
  v.pAppData = &st;
  v.xOpen = v_open;
  v.xDelete = v_delete;
  v.xAccess = v_access;
  v.xFullPathname = v_full_path;
  v.xDlOpen = v_dl_open;
  v.xDlError = v_dl_error;
  v.xDlSym = v_dl_sym;
  v.xDlClose = v_dl_close;
  v.xRandomness = v_random;
  v.xSleep = v_sleep;
  v.xCurrentTime = v_time;
  v.xGetLastError = v_last_error;
  v.xCurrentTimeInt64 = v_time64;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) return nullptr;
  return out;
}

counting_vfs::~counting_vfs() {
  if (state_) sqlite3_vfs_unregister(&state_->vfs);
}

const std::string& counting_vfs::name() const noexcept { return state_->name; }
std::uint64_t counting_vfs::syncs() const noexcept { return state_->syncs.load(std::memory_order_relaxed); }
std::uint64_t counting_vfs::wal_syncs() const noexcept { return state_->wal_syncs.load(std::memory_order_relaxed); }

}  // namespace clearway::node
