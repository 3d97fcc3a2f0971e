#include "sgdsde/core/ranks.hpp"

#define OMPI_SKIP_MPICXX 1  // the C API only
#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace sgdsde::ranks {

namespace {
bool g_started = false;

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, msg, &len);
  throw std::runtime_error(std::string("MPI ") + what + ": " +
                           std::string(msg, static_cast<std::size_t>(len)));
}

template <class T>
void gather_impl(std::span<T> data, std::span<const Index> offsets, MPI_Datatype type) {
  const int K = size();
  if (K == 1) return;
  if (offsets.size() != static_cast<std::size_t>(K) + 1 || offsets.back() > static_cast<Index>(data.size()))
    throw std::logic_error("ranks::gather_owned: offsets do not describe the data");
  std::vector<int> counts(static_cast<std::size_t>(K)), displs(static_cast<std::size_t>(K));
  for (int r = 0; r < K; ++r) {
    const Index n = offsets[static_cast<std::size_t>(r) + 1] - offsets[static_cast<std::size_t>(r)];
    if (n < 0 || n > std::numeric_limits<int>::max() ||
        offsets[static_cast<std::size_t>(r)] > std::numeric_limits<int>::max())
      throw std::runtime_error("ranks::gather_owned: more than 2^31 items per rank");
    counts[static_cast<std::size_t>(r)] = static_cast<int>(n);
    displs[static_cast<std::size_t>(r)] = static_cast<int>(offsets[static_cast<std::size_t>(r)]);
  }
  check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data.data(), counts.data(), displs.data(), type,
                       MPI_COMM_WORLD),
        "Allgatherv");
}

/// The sentinel of merge_changed, for the user-defined reduction (one call at a time).
double g_sentinel = 0.0;
void merge_op(void* in, void* inout, int* len, MPI_Datatype*) {
  auto* a = static_cast<const double*>(in);
  auto* b = static_cast<double*>(inout);
  for (int i = 0; i < *len; ++i)
    if (std::memcmp(&a[i], &g_sentinel, sizeof(double)) != 0) b[i] = a[i];
}
}  // namespace

void init(int* argc, char*** argv) {
  // Started by mpirun (OpenMPI) or by a PMIx/PMI launcher such as srun --mpi=pmix.
  const bool launched =
      std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
  if (g_started || !launched) return;
  int ready = 0;
  MPI_Initialized(&ready);
  if (!ready) check(MPI_Init(argc, argv), "Init");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_started = true;
}

void finalize() {
  if (!g_started) return;
  int done = 0;
  MPI_Finalized(&done);
  if (!done) MPI_Finalize();
  g_started = false;
}

bool active() { return g_started; }

int rank() {
  if (!g_started) return 0;
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  if (!g_started) return 1;
  int k = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &k);
  return k;
}

std::string library_version() {
  if (!g_started) return "";
  char v[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(v, &len);
  std::string s(v, static_cast<std::size_t>(len));
  if (const auto nl = s.find_first_of(",\n"); nl != std::string::npos) s.resize(nl);
  return s;
}

std::pair<Index, Index> share(Index n, int r, int K) {
  const Index base = n / K, extra = n % K;
  const Index first = r * base + std::min<Index>(r, extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

void gather_owned(std::span<double> data, std::span<const Index> offsets) {
  gather_impl(data, offsets, MPI_DOUBLE);
}
void gather_owned(std::span<std::int64_t> data, std::span<const Index> offsets) {
  gather_impl(data, offsets, MPI_INT64_T);
}

void merge_changed(std::span<double> data, double sentinel) {
  if (size() == 1 || data.empty()) return;
  g_sentinel = sentinel;
  MPI_Op op;
  check(MPI_Op_create(&merge_op, 1, &op), "Op_create");
  // In chunks below 2^31 elements (MPI counts are int).
  int rc = MPI_SUCCESS;
  for (std::size_t i = 0; i < data.size() && rc == MPI_SUCCESS; i += std::size_t{1} << 30) {
    const auto n = static_cast<int>(std::min(data.size() - i, std::size_t{1} << 30));
    rc = MPI_Allreduce(MPI_IN_PLACE, data.data() + i, n, MPI_DOUBLE, op, MPI_COMM_WORLD);
  }
  MPI_Op_free(&op);
  check(rc, "Allreduce");
}

void sum(std::span<std::int64_t> data) {
  if (size() == 1 || data.empty()) return;
  for (std::size_t i = 0; i < data.size(); i += std::size_t{1} << 30) {
    const auto n = static_cast<int>(std::min(data.size() - i, std::size_t{1} << 30));
    check(MPI_Allreduce(MPI_IN_PLACE, data.data() + i, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD), "Allreduce");
  }
}

std::optional<std::pair<int, std::string>> first_failure(const std::string* my_failure) {
  if (size() == 1) {
    if (!my_failure) return std::nullopt;
    return std::make_pair(0, *my_failure);
  }
  const int K = size();
  std::vector<int> failed(static_cast<std::size_t>(K));
  int mine = my_failure ? 1 : 0;
  check(MPI_Allgather(&mine, 1, MPI_INT, failed.data(), 1, MPI_INT, MPI_COMM_WORLD), "Allgather");
  int root = -1;
  for (int r = 0; r < K && root < 0; ++r)
    if (failed[static_cast<std::size_t>(r)]) root = r;
  if (root < 0) return std::nullopt;
  std::string msg = rank() == root ? *my_failure : std::string();
  int len = static_cast<int>(std::min<std::size_t>(msg.size(), 4096));
  check(MPI_Bcast(&len, 1, MPI_INT, root, MPI_COMM_WORLD), "Bcast");
  msg.resize(static_cast<std::size_t>(len));
  check(MPI_Bcast(msg.data(), len, MPI_CHAR, root, MPI_COMM_WORLD), "Bcast");
  return std::make_pair(root, msg);
}

}  // namespace sgdsde::ranks
