#include "falcon/oauth2/FileTokenStore.h"

#include "falcon/oauth2/EntrySeal.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Path.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <thread>

namespace Falcon {
namespace OAuth2 {

namespace {

/// A descriptor closed when it goes.
class Descriptor
{
public:
	explicit Descriptor(int fd):
		_fd(fd) {}
	~Descriptor()
	{
		if (_fd >= 0) ::close(_fd);
	}
	Descriptor(const Descriptor&) = delete;
	Descriptor& operator=(const Descriptor&) = delete;
	int get() const { return _fd; }

private:
	int _fd;
};

[[noreturn]] void fail(const std::string& what, int error)
{
	throw Poco::IOException(what + ": " + std::strerror(error));
}

/// Refuses what another user could have put there or can read.
void checkPrivate(const struct stat& info, const std::string& what)
{
	if (info.st_uid != ::geteuid()) throw Poco::IOException(what + " belongs to another user");
	if (info.st_mode & 077) throw Poco::IOException(what + " is open to group or others (chmod 700 for the directory, 600 for entries)");
}

class FileLock: public StoreLock
{
public:
	explicit FileLock(int fd):
		_descriptor(fd) {}

private:
	Descriptor _descriptor; ///< closing it releases the flock
};

std::string readAll(int fd, const std::string& what)
{
	std::string bytes;
	char buffer[4096];
	for (;;)
	{
		const ssize_t got = ::read(fd, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR) continue;
		if (got < 0) fail("cannot read " + what, errno);
		if (got == 0) return bytes;
		bytes.append(buffer, static_cast<std::size_t>(got));
		if (bytes.size() > EntrySeal::MAX_SEALED_BYTES) throw Poco::IOException(what + " is larger than an entry can be");
	}
}

} // namespace

FileTokenStore::FileTokenStore(std::string directory):
	_directory(directory.empty() ? defaultDirectory() : std::move(directory))
{
}

std::string FileTokenStore::defaultDirectory()
{
	const std::string runtime = Poco::Environment::get("XDG_RUNTIME_DIR", "");
	if (!runtime.empty()) return Poco::Path(runtime).append("falcon-oauth2").toString();
	const std::string cache = Poco::Environment::get("XDG_CACHE_HOME", "");
	if (!cache.empty()) return Poco::Path(cache).append("falcon-oauth2").toString();
	return Poco::Path(Poco::Path::home()).append(".cache/falcon-oauth2").toString();
}

void FileTokenStore::checkDirectory() const
{
	struct stat info = {};
	if (::lstat(_directory.c_str(), &info) != 0)
	{
		if (errno != ENOENT) fail("cannot look at " + _directory, errno);
		const std::string parent = Poco::Path(_directory).parent().toString();
		if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create " + parent, errno);
		if (::mkdir(_directory.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create " + _directory, errno);
		if (::lstat(_directory.c_str(), &info) != 0) fail("cannot look at " + _directory, errno);
	}
	if (S_ISLNK(info.st_mode)) throw Poco::IOException(_directory + " is a symbolic link; the store is used only through a real directory");
	if (!S_ISDIR(info.st_mode)) throw Poco::IOException(_directory + " is not a directory");
	checkPrivate(info, _directory);
}

std::string FileTokenStore::pathOf(const std::string& name, const std::string& suffix) const
{
	return _directory + "/" + name + suffix;
}

std::optional<std::string> FileTokenStore::read(const std::string& name, Deadline)
{
	checkDirectory();
	const std::string path = pathOf(name, ".entry");
	const Descriptor file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
	if (file.get() < 0)
	{
		if (errno == ENOENT) return std::nullopt;
		fail("cannot open the entry " + path, errno);
	}
	struct stat info = {};
	if (::fstat(file.get(), &info) != 0) fail("cannot look at the entry " + path, errno);
	if (!S_ISREG(info.st_mode)) throw Poco::IOException("the entry " + path + " is not a regular file");
	checkPrivate(info, "the entry " + path);
	// The entry's modification time is when it expires (see write): past it, there is none.
	if (info.st_mtim.tv_sec < std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())) return std::nullopt;
	return readAll(file.get(), "the entry " + path);
}

void FileTokenStore::write(const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt, Deadline)
{
	checkDirectory();
	std::random_device random;
	const std::string temporary = pathOf(name, ".entry." + std::to_string(::getpid()) + "-" + std::to_string(random()) + ".tmp");
	{
		const Descriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
		if (file.get() < 0) fail("cannot create " + temporary, errno);
		std::size_t written = 0;
		while (written < bytes.size())
		{
			const ssize_t put = ::write(file.get(), bytes.data() + written, bytes.size() - written);
			if (put < 0 && errno == EINTR) continue;
			if (put < 0)
			{
				const int error = errno;
				::unlink(temporary.c_str());
				fail("cannot write " + temporary, error);
			}
			written += static_cast<std::size_t>(put);
		}
		// The file's modification time says when the entry expires: expired entries can be told
		// (and swept) without the key.
		const struct timespec times[2] = {{0, UTIME_OMIT}, {SharedEntry::WallClock::to_time_t(expiresAt), 0}};
		if (::futimens(file.get(), times) != 0)
		{
			const int error = errno;
			::unlink(temporary.c_str());
			fail("cannot date " + temporary, error);
		}
	}
	if (::rename(temporary.c_str(), pathOf(name, ".entry").c_str()) != 0)
	{
		const int error = errno;
		::unlink(temporary.c_str());
		fail("cannot replace the entry " + pathOf(name, ".entry"), error);
	}
}

void FileTokenStore::remove(const std::string& name, const std::string& bytes, Deadline deadline)
{
	// Callers hold the entry's lock, so nobody replaces it between the read and the unlink.
	const auto current = read(name, deadline);
	if (current && *current == bytes && ::unlink(pathOf(name, ".entry").c_str()) != 0 && errno != ENOENT)
		fail("cannot remove the entry " + pathOf(name, ".entry"), errno);
}

std::unique_ptr<StoreLock> FileTokenStore::lock(const std::string& name, Deadline deadline)
{
	checkDirectory();
	const std::string path = pathOf(name, ".lock");
	const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) fail("cannot open the lock " + path, errno);
	auto held = std::make_unique<FileLock>(fd);
	struct stat info = {};
	if (::fstat(fd, &info) != 0) fail("cannot look at the lock " + path, errno);
	if (!S_ISREG(info.st_mode)) throw Poco::IOException("the lock " + path + " is not a regular file");
	checkPrivate(info, "the lock " + path);
	for (;;)
	{
		if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return held;
		if (errno != EWOULDBLOCK && errno != EINTR) fail("cannot lock " + path, errno);
		if (Clock::now() + LOCK_POLL >= deadline) return nullptr;
		std::this_thread::sleep_for(LOCK_POLL);
	}
}

}} // namespace Falcon::OAuth2
