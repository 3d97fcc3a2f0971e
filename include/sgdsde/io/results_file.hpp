#pragma once
// Writer of one HDF5 results file (docs/results-schema.md).
//
// The file is written under a temporary name in the target folder (".<name>.tmp-<pid>") and
// renamed to its final name by commit(). Until then, the destructor, an exception, or SIGINT /
// SIGTERM (a handler unlinks every registered temporary file and exits with 128 + signal)
// remove the temporary file, so a final name never holds a truncated file.
//
// HDF5 builds the file in memory (the core driver without a backing store); commit() writes the
// image with plain POSIX calls (write, fsync, close, rename). HDF5 therefore never sees an I/O
// error: version 1.10 cannot close a file whose flush failed (the ID stays registered over freed
// memory and the next close, or the library's own at-exit cleanup, crashes), and its C++ wrappers
// print to stderr from their destructors. Every write failure (ENOSPC, EFBIG, EIO, a vanished
// folder) is ours to detect, and commit() reports it as one line naming the file and errno's text,
// after removing the temporary file (docs/reliability.md).
//
// Paths are absolute ("/sgd/histogram/counts"); missing parent groups are created. Eigen matrices
// are stored with their logical shape rows × cols whatever their storage order, so h5py sees the
// same matrix; Eigen vectors are stored as 1-D datasets. Datasets above 64 KiB are chunked and
// compressed (shuffle + gzip).
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/io/element_type.hpp"

namespace sgdsde::io {

/// Installs the SIGINT/SIGTERM handler that unlinks registered temporary files (idempotent).
void install_cleanup_handler();

/// The temporary file of `final_path` that a process `pid` writes: "<folder>/.<name>.tmp-<pid>".
[[nodiscard]] std::filesystem::path temporary_path_of(const std::filesystem::path& final_path, long pid);

/// Removes the temporaries of `final_path` left by processes that no longer exist: a file
/// ".<name>.tmp-<pid>" in the same folder is removed only if process pid is gone (kill(pid, 0) fails
/// with ESRCH, or /proc says it is a zombie: killed and not yet reaped, as an orphan may stay) and the
/// file starts with `signature` (by default HDF5's: every temporary of a results file starts with it,
/// from its creation on). A live process's temporary, or a file that is not ours, is left alone.
/// Returns the removed paths.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& final_path,
                                                            std::string_view signature = {});

/// Puts `bytes` on disk as `final_path` (replacing it) the way commit() does: written to
/// temporary_path_of(final_path, getpid()), fsync, close, rename, fsync of the folder; SIGINT/SIGTERM
/// meanwhile remove the temporary. On failure, throws std::runtime_error ("cannot write <final path>:
/// <errno text>") after removing the temporary; the final name is untouched. Checkpoints use it too.
void write_file_atomically(const std::filesystem::path& final_path, std::span<const unsigned char> bytes);

/// The system calls that put a results file on disk, in order.
enum class WriteStep { create, write, sync, close, rename };
/// For tests of the failure paths: the next `step` of any results file fails once with the errno
/// value `error` (ENOSPC or EIO cannot be provoked without privileges); error = 0 disarms it.
void inject_write_failure(WriteStep step, int error);

class ResultsFile {
 public:
  /// Creates the temporary file next to `final_path` (the folder must exist), after removing the
  /// stale temporaries of the same final name (stale_removed()). Throws InputError naming the path
  /// when it cannot be created (missing folder, no permission, not a folder …), std::runtime_error
  /// when the disk is full or fails (ENOSPC, EDQUOT, EIO …).
  explicit ResultsFile(std::filesystem::path final_path);
  /// A file that lives only in memory and never reaches the disk: commit() closes it and writes
  /// nothing. MPI ranks other than 0 build the same file as rank 0 through it.
  struct InMemoryOnly {};
  ResultsFile(std::filesystem::path final_path, InMemoryOnly);
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return final_path_; }
  [[nodiscard]] const std::filesystem::path& temp_path() const { return temp_path_; }
  [[nodiscard]] bool committed() const { return committed_; }
  [[nodiscard]] bool is_open() const;
  /// The stale temporaries of the same final name the constructor removed.
  [[nodiscard]] const std::vector<std::filesystem::path>& stale_removed() const { return stale_removed_; }

  /// Writes the file's image to the temporary file, syncs it to disk and renames it to its final
  /// name (replacing an old file). On any failure, throws std::runtime_error ("cannot write
  /// <final path>: <errno text>") after removing the temporary file; the final name is untouched.
  void commit();
  /// Closes and removes the temporary file (also what the destructor does when not committed).
  void discard() noexcept;

  // ---- structure -------------------------------------------------------------------------------
  /// Creates a group and its missing parents ("/sgd/histogram"); no-op if it exists.
  void create_group(std::string_view path);
  [[nodiscard]] bool exists(std::string_view path) const;

  // ---- datasets (throw std::logic_error if the path already exists) ----------------------------
  /// An n-d dataset of `dims` (row-major, C order) from `data`; empty dims = 1-D of data.size().
  template <Element T>
  void write(std::string_view path, std::span<const T> data, std::vector<std::size_t> dims = {}) {
    write_raw(path, data.data(), data.size(), element_type_of<T>(), std::move(dims));
  }
  template <Element T>
  void write(std::string_view path, const std::vector<T>& data, std::vector<std::size_t> dims = {}) {
    write(path, std::span<const T>(data), std::move(dims));
  }
  /// A 0-d (scalar) dataset.
  template <Element T>
  void write_scalar(std::string_view path, T value) {
    write_raw(path, &value, 1, element_type_of<T>(), {}, /*scalar=*/true);
  }
  /// Eigen matrix / array (any storage order): rows × cols; vectors: 1-D.
  template <class Derived>
  void write(std::string_view path, const Eigen::DenseBase<Derived>& m) {
    using Scalar = typename Derived::Scalar;
    if constexpr (Derived::IsVectorAtCompileTime) {
      const Eigen::Matrix<Scalar, Eigen::Dynamic, 1> v = m.derived().reshaped();
      write_raw(path, v.data(), static_cast<std::size_t>(v.size()), element_type_of<Scalar>(), {});
    } else {
      const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
      write_raw(path, r.data(), static_cast<std::size_t>(r.size()), element_type_of<Scalar>(),
                {static_cast<std::size_t>(r.rows()), static_cast<std::size_t>(r.cols())});
    }
  }
  /// A 1-D dataset of variable-length UTF-8 strings.
  void write_strings(std::string_view path, const std::vector<std::string>& data);
  void write_string(std::string_view path, std::string_view value);  ///< scalar string dataset

  // ---- attributes on a group or dataset ("/" = the file); an existing attribute is replaced -----
  void set_attribute(std::string_view object, std::string_view name, double value);
  void set_attribute(std::string_view object, std::string_view name, std::int64_t value);
  template <std::integral I>
  requires(!std::is_same_v<I, bool> &&
           !std::is_same_v<I, std::int64_t>) void set_attribute(std::string_view object,
                                                                std::string_view name, I value) {
    set_attribute(object, name, static_cast<std::int64_t>(value));
  }
  void set_attribute(std::string_view object, std::string_view name, bool value);  ///< stored as int8 0/1
  void set_attribute(std::string_view object, std::string_view name, std::string_view value);
  void set_attribute(std::string_view object, std::string_view name, const char* value) {
    set_attribute(object, name, std::string_view(value));
  }
  void set_attribute(std::string_view object, std::string_view name, const std::string& value) {
    set_attribute(object, name, std::string_view(value));
  }
  void set_attribute(std::string_view object, std::string_view name, std::span<const double> values);
  void set_attribute(std::string_view object, std::string_view name, std::span<const std::int64_t> values);
  void set_attribute(std::string_view object, std::string_view name, const std::vector<double>& values) {
    set_attribute(object, name, std::span<const double>(values));
  }
  void set_attribute(std::string_view object, std::string_view name,
                     const std::vector<std::int64_t>& values) {
    set_attribute(object, name, std::span<const std::int64_t>(values));
  }
  void set_attribute(std::string_view object, std::string_view name, const std::vector<std::string>& values);

  /// Low-level entry of every numeric dataset write.
  void write_raw(std::string_view path, const void* data, std::size_t count, ElementType type,
                 std::vector<std::size_t> dims, bool scalar = false);

  struct Impl;  ///< opaque (the HDF5 handle)

 private:
  std::unique_ptr<Impl> impl_;
  std::filesystem::path final_path_, temp_path_;
  std::vector<std::filesystem::path> stale_removed_;
  int fd_ = -1;  ///< the temporary file, open from the constructor to commit() or discard()
  int cleanup_slot_ = -1;
  bool committed_ = false;
  bool memory_only_ = false;
};

}  // namespace sgdsde::io
