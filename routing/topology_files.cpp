#include "routing/topology_files.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#if defined(CLEARWAY_HAVE_LIBLZMA)
#include <lzma.h>
#endif

extern char** environ;

namespace clearway::routing {
namespace {

[[nodiscard]] load_failure file_failure(load_error code, const std::filesystem::path& path, std::string detail) {
  return load_failure{code, path.filename().string(), 0, std::move(detail)};
}

[[nodiscard]] result<std::string, load_failure> read_plain(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return file_failure(load_error::cannot_open, path, path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return file_failure(load_error::cannot_open, path, "read error: " + path.string());
  return text;
}

#if defined(CLEARWAY_HAVE_LIBLZMA)
[[nodiscard]] result<std::string, load_failure> read_xz_in_process(const std::filesystem::path& path) {
  CW_TRY(compressed, read_plain(path));
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&stream, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return file_failure(load_error::decompress_failed, path, "lzma_stream_decoder");
  }
  std::string out;
  std::array<std::uint8_t, 1 << 16> buffer{};
  stream.next_in = reinterpret_cast<const std::uint8_t*>(compressed.data());
  stream.avail_in = compressed.size();
  lzma_ret ret = LZMA_OK;
  while (ret == LZMA_OK) {
    stream.next_out = buffer.data();
    stream.avail_out = buffer.size();
    ret = lzma_code(&stream, LZMA_FINISH);
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out);
  }
  lzma_end(&stream);
  if (ret != LZMA_STREAM_END) {
    return file_failure(load_error::decompress_failed, path, "liblzma error " + std::to_string(static_cast<int>(ret)));
  }
  return out;
}
#endif

}  // namespace

bool built_with_liblzma() noexcept {
#if defined(CLEARWAY_HAVE_LIBLZMA)
  return true;
#else
  return false;
#endif
}

result<std::string, load_failure> read_xz_with_tool(const std::filesystem::path& path) {
  // Checked first so a missing file is cannot_open, not a tool failure.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return file_failure(load_error::cannot_open, path, path.string());
  std::array<int, 2> fds{};
  if (::pipe(fds.data()) != 0) return file_failure(load_error::decompress_failed, path, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  // xz's own complaint would only repeat what the returned error says.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const std::string file = path.string();
  std::array<char*, 5> argv{const_cast<char*>("xz"), const_cast<char*>("-dc"), const_cast<char*>("--"),
                            const_cast<char*>(file.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "xz", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    return file_failure(load_error::decompress_failed, path, "cannot run xz");
  }
  std::string out;
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      out.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return file_failure(load_error::decompress_failed, path, "xz -dc failed");
  }
  return out;
}

result<std::string, load_failure> read_text_file(const std::filesystem::path& path) {
  if (path.extension() != ".xz") return read_plain(path);
#if defined(CLEARWAY_HAVE_LIBLZMA)
  return read_xz_in_process(path);
#else
  return read_xz_with_tool(path);
#endif
}

result<topology, load_failure> load_topology_dir(const std::filesystem::path& dir) {
  const topology_csv_names names;
  auto read = [&dir](const std::string& name) -> result<std::string, load_failure> {
    std::error_code ec;
    const std::filesystem::path plain = dir / name;
    if (std::filesystem::exists(plain, ec)) return read_text_file(plain);
    const std::filesystem::path xz = dir / (name + ".xz");
    if (std::filesystem::exists(xz, ec)) return read_text_file(xz);
    return load_failure{load_error::cannot_open, name, 0, "neither " + plain.string() + " nor " + xz.string()};
  };
  CW_TRY(nodes, read(names.nodes));
  CW_TRY(channels, read(names.channels));
  CW_TRY(edges, read(names.edges));
  return parse_topology_csv(nodes, channels, edges, names);
}

}  // namespace clearway::routing
