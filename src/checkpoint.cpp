#include "sgdsde/ensemble/checkpoint.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "sgdsde/io/results_file.hpp"

namespace sgdsde::checkpoint {

namespace {
// A file of ours from its first byte on (remove_stale_temporaries recognises a dead process's temporary).
constexpr std::array<char, 8> kSignature = {'\x89', 'S', 'G', 'D', 'C', 'K', 'P', '\n'};
constexpr std::uint32_t kFormat = 1;
constexpr std::size_t kHeader = 8 + 4 + 8, kTrailer = 8;

/// A 64-bit checksum of the payload. Each 8-byte word goes through h ← rotl(h ⊕ w, 29) · odd, a
/// bijection of h for a fixed w: a change confined to one word always changes the result (a flipped
/// byte is always found), and it runs at memory speed.
std::uint64_t checksum(std::span<const std::byte> bytes) {
  constexpr std::uint64_t kOdd = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0x243F6A8885A308D3ull ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = std::rotl(h ^ w, 29) * kOdd;
  }
  std::uint64_t w = 0;
  std::memcpy(&w, bytes.data() + i, bytes.size() - i);
  h = std::rotl(h ^ w, 29) * kOdd;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void put_string(Writer& w, const std::string& s) {
  w.put(static_cast<std::uint64_t>(s.size()));
  w.append(s.data(), s.size());
}
template <class T>
void put_vector(Writer& w, const std::vector<T>& v) {
  w.put(static_cast<std::uint64_t>(v.size()));
  w.put(std::span<const T>(v));
}

/// A length read from the file, checked against what is left before anything is allocated for it.
std::size_t get_length(Reader& r, std::size_t element_size) {
  const auto n = r.get<std::uint64_t>();
  if (n > r.remaining() / element_size) throw Refused(r.what() + ": corrupt (a length beyond the end)");
  return static_cast<std::size_t>(n);
}
std::string get_string(Reader& r) {
  std::string s(get_length(r, 1), '\0');
  r.take(s.data(), s.size());
  return s;
}
template <class T>
std::vector<T> get_vector(Reader& r) {
  std::vector<T> v(get_length(r, sizeof(T)));
  r.get(std::span<T>(v));
  return v;
}

void put_call(Writer& w, const CallRecord& c) {
  const CallShape& s = c.shape;
  for (std::int64_t v : {s.dim, s.particles, s.n_steps, s.block, s.n_blocks, s.observers}) w.put(v);
  put_vector(w, c.blocks);
  put_vector(w, c.states);
  put_vector(w, c.diverged_at);
  w.put(static_cast<std::uint64_t>(c.observers.size()));
  for (const auto& o : c.observers) put_vector(w, o);
}
CallRecord get_call(Reader& r) {
  CallRecord c;
  CallShape& s = c.shape;
  for (std::int64_t* v : {&s.dim, &s.particles, &s.n_steps, &s.block, &s.n_blocks, &s.observers})
    *v = r.get<std::int64_t>();
  c.blocks = get_vector<std::int64_t>(r);
  c.states = get_vector<double>(r);
  c.diverged_at = get_vector<std::int64_t>(r);
  c.observers.resize(get_length(r, 8));
  for (auto& o : c.observers) o = get_vector<std::byte>(r);
  return c;
}

/// The first line where two TOML texts differ, as "'<a>' vs '<b>'".
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga) la = "(end)";
    if (!gb) lb = "(end)";
    if (la != lb || (!ga && !gb)) return "'" + la + "' vs '" + lb + "'";
  }
}

Session* g_active = nullptr;
}  // namespace

std::filesystem::path path_of(const std::filesystem::path& out, int rank, int ranks) {
  std::string name = ".";
  name += out.filename().string();
  name += ".checkpoint";
  if (ranks > 1) {
    name += ".r";
    name += std::to_string(rank);
  }
  return out.parent_path() / name;
}

std::vector<std::filesystem::path> foreign_files(const std::filesystem::path& out, int ranks) {
  namespace fs = std::filesystem;
  std::string prefix = ".";
  prefix += out.filename().string();
  prefix += ".checkpoint";
  std::vector<fs::path> found;
  fs::path dir = out.parent_path();
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    int rank = -1;  // the bare name: a single process's
    if (!rest.empty()) {
      const std::string digits = rest.size() > 2 && rest.starts_with(".r") ? rest.substr(2) : std::string();
      if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
        continue;  // not a name we write (a user's copy, say): not ours to judge
      rank = std::stoi(digits);
    }
    const bool mine = ranks == 1 ? rank < 0 : rank >= 0 && rank < ranks;
    if (!mine) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

Session::Session(std::filesystem::path file, Identity id, double every_seconds)
    : file_(std::move(file)),
      id_(std::move(id)),
      every_(every_seconds),
      last_(std::chrono::steady_clock::now()) {
  // A checkpoint temporary of a process that died while writing it (SIGKILL in those milliseconds).
  (void)io::remove_stale_temporaries(file_, std::string_view(kSignature.data(), kSignature.size()));
}

void Session::parse(std::span<const std::byte> file, const std::string& what, Identity& id,
                    std::vector<CallRecord>& calls) {
  if (file.size() < kSignature.size() || std::memcmp(file.data(), kSignature.data(), kSignature.size()) != 0)
    throw Refused(what + ": not an sgdsde checkpoint");
  if (file.size() < kHeader + kTrailer)
    throw Refused(what + ": truncated (" + std::to_string(file.size()) + " bytes)");
  Reader head(file.subspan(kSignature.size(), kHeader - kSignature.size()), what);
  const auto format = head.get<std::uint32_t>();
  const auto payload = head.get<std::uint64_t>();
  if (format != kFormat)
    throw Refused(what + ": checkpoint format " + std::to_string(format) + ", this binary reads format " +
                  std::to_string(kFormat));
  if (payload != file.size() - kHeader - kTrailer)
    throw Refused(what + ": truncated or corrupt (" + std::to_string(file.size()) +
                  " bytes, its header says " + std::to_string(payload + kHeader + kTrailer) + ")");
  const std::span<const std::byte> body = file.subspan(kHeader, static_cast<std::size_t>(payload));
  std::uint64_t stored;
  std::memcpy(&stored, file.data() + kHeader + payload, sizeof stored);
  if (stored != checksum(body)) throw Refused(what + ": corrupt (checksum mismatch)");
  Reader r(body, what);
  id.experiment = get_string(r);
  id.config_toml = get_string(r);
  id.code_version = get_string(r);
  id.seed = r.get<std::int64_t>();
  id.ranks = r.get<std::int32_t>();
  id.rank = r.get<std::int32_t>();
  calls.resize(get_length(r, 8));
  for (auto& c : calls) c = get_call(r);
  if (!r.at_end()) throw Refused(what + ": corrupt (bytes after the last record)");
}

bool Session::load() {
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return false;
  const std::string what = "checkpoint " + file_.string();
  std::ifstream in(file_, std::ios::binary);
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || !in.is_open()) throw Refused(what + ": cannot read it: " + std::strerror(errno));
  Identity id;
  std::vector<CallRecord> calls;
  parse(std::as_bytes(std::span<const char>(raw)), what, id, calls);
  const std::string belongs = what + " belongs to another run: ";
  if (id.experiment != id_.experiment)
    throw Refused(belongs + "experiment " + id.experiment + ", this is " + id_.experiment);
  if (id.code_version != id_.code_version)
    throw Refused(belongs + "code version " + id.code_version + ", this binary is " + id_.code_version);
  if (id.ranks != id_.ranks)
    throw Refused(belongs + std::to_string(id.ranks) + " MPI rank(s), this run has " +
                  std::to_string(id_.ranks));
  if (id.rank != id_.rank)
    throw Refused(belongs + "rank " + std::to_string(id.rank) + "'s, read by rank " +
                  std::to_string(id_.rank));
  if (id.seed != id_.seed)
    throw Refused(belongs + "seed " + std::to_string(id.seed) + ", this run has seed " +
                  std::to_string(id_.seed));
  if (id.config_toml != id_.config_toml)
    throw Refused(belongs + "another configuration (" + first_difference(id.config_toml, id_.config_toml) +
                  ")");
  saved_ = std::move(calls);
  return true;
}

std::size_t Session::saved_blocks() const {
  std::size_t n = 0;
  for (const auto& c : saved_) n += c.blocks.size();
  return n;
}

const CallRecord* Session::begin_call(const CallShape& shape) {
  const std::size_t i = next_call_++;
  if (i >= saved_.size()) return nullptr;
  const CallShape& s = saved_[i].shape;
  if (!(s == shape))
    throw Refused("checkpoint " + file_.string() + " does not match this run: its runner call " +
                  std::to_string(i + 1) + " has " + std::to_string(s.particles) + " particles of dimension " +
                  std::to_string(s.dim) + ", " + std::to_string(s.n_steps) + " steps, " +
                  std::to_string(s.n_blocks) + " blocks of " + std::to_string(s.block) + ", " +
                  std::to_string(s.observers) + " observers; this run's differs");
  return &saved_[i];
}

bool Session::due() const {
  return every_ > 0 &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >= every_;
}

void Session::write(const CallRecord* current) {
  Writer w;
  put_string(w, id_.experiment);
  put_string(w, id_.config_toml);
  put_string(w, id_.code_version);
  w.put(id_.seed);
  w.put(id_.ranks);
  w.put(id_.rank);
  // The saved calls the run has not reached yet stay in (their blocks are as valid as ever).
  const std::size_t reached = finished_.size() + (current ? 1 : 0);
  const std::size_t later = saved_.size() > reached ? saved_.size() - reached : 0;
  w.put(static_cast<std::uint64_t>(reached + later));
  for (const auto& c : finished_) put_call(w, c);
  if (current) put_call(w, *current);
  for (std::size_t i = reached; i < saved_.size(); ++i) put_call(w, saved_[i]);
  const std::vector<std::byte> body = w.take();

  Writer f;
  f.append(kSignature.data(), kSignature.size());
  f.put(kFormat);
  f.put(static_cast<std::uint64_t>(body.size()));
  f.append(body.data(), body.size());
  f.put(checksum(body));
  const std::vector<std::byte> bytes = f.take();
  io::write_file_atomically(file_,
                            std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
  last_ = std::chrono::steady_clock::now();
}

void Session::end_call(CallRecord record) {
  // The saved record of this call (if any) is in `record` now: free it.
  if (finished_.size() < saved_.size())
    saved_[finished_.size()] = CallRecord{saved_[finished_.size()].shape, {}, {}, {}, {}};
  finished_.push_back(std::move(record));
}

void Session::remove() noexcept {
  std::error_code ec;
  std::filesystem::remove(file_, ec);
  // Once more for temporaries of killed writers: one still dying when this run began is gone now.
  try {
    (void)io::remove_stale_temporaries(file_, std::string_view(kSignature.data(), kSignature.size()));
  } catch (...) {  // best effort: the results are committed whatever this finds
  }
}

Session* active() { return g_active; }
void set_active(Session* session) { g_active = session; }

}  // namespace sgdsde::checkpoint
