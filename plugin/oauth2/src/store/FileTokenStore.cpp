#include "falcon/oauth2/store/FileTokenStore.h"

#include "falcon/oauth2/store/EntrySeal.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Path.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>

namespace Falcon {
namespace OAuth2 {

namespace {

/// A descriptor closed when it goes.
class Descriptor
{
public:
	explicit Descriptor(int fd): _fd(fd) {}
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
	if (info.st_mode & 077)
		throw Poco::IOException(what + " is open to group or others (chmod 700 for the directory, 600 for entries)");
}

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
		if (bytes.size() > EntrySeal::MAX_SEALED_BYTES)
			throw UnusableEntryException(what + " is larger than an entry can be");
	}
}

} // namespace

/// Held while its descriptor is open: closing it releases the flock.
class FileTokenStore::Lock: public StoreLock
{
public:
	explicit Lock(int fd): _descriptor(fd) {}
	int fd() const { return _descriptor.get(); }

private:
	Descriptor _descriptor;
};

namespace {

/// `path` without the slashes that end it ("/x/link/" would be resolved through the link).
std::string withoutTrailingSlashes(std::string path)
{
	while (path.size() > 1 && path.back() == '/') path.pop_back();
	return path;
}

std::string parentOf(const std::string& path)
{
	const auto slash = path.find_last_of('/');
	return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

/// An XDG base directory: only an absolute path counts (the specification says to ignore a
/// relative one).
std::string xdgDirectory(const char* variable)
{
	const std::string value = Poco::Environment::get(variable, "");
	return !value.empty() && value.front() == '/' ? value : std::string();
}

} // namespace

FileTokenStore::FileTokenStore(std::string directory):
	_directory(withoutTrailingSlashes(directory.empty() ? defaultDirectory() : std::move(directory)))
{
}

std::string FileTokenStore::defaultDirectory()
{
	const std::string runtime = xdgDirectory("XDG_RUNTIME_DIR");
	if (!runtime.empty()) return Poco::Path(runtime).append("falcon-oauth2").toString();
	const std::string cache = xdgDirectory("XDG_CACHE_HOME");
	if (!cache.empty()) return Poco::Path(cache).append("falcon-oauth2").toString();
	return Poco::Path(Poco::Path::home()).append(".cache/falcon-oauth2").toString();
}

void FileTokenStore::checkPath() const
{
	if (_directory.empty() || _directory.front() != '/')
		throw Poco::IOException(_directory + " is not an absolute path");
	// Every directory above the store, from the root: a link there that someone other than root
	// made could lead the store anywhere. (Root's own links, such as /var/run, are the system's.)
	for (std::size_t slash = _directory.find('/', 1); slash != std::string::npos;
		 slash = _directory.find('/', slash + 1))
	{
		const std::string above = _directory.substr(0, slash);
		struct stat info = {};
		if (::lstat(above.c_str(), &info) != 0) return; // missing from here on: made below, as directories
		if (S_ISLNK(info.st_mode) && info.st_uid != 0)
			throw Poco::IOException(above + " is a symbolic link; the store is used only through real directories");
	}
}

void FileTokenStore::makeDirectory(const std::string& path, int depth) const
{
	const std::string parent = parentOf(path);
	struct stat info = {};
	if (::lstat(parent.c_str(), &info) != 0)
	{
		if (errno != ENOENT || depth == 0) fail("cannot create " + path, errno);
		makeDirectory(parent, depth - 1);
		if (::lstat(parent.c_str(), &info) != 0) fail("cannot look at " + parent, errno);
	}
	// Root with another user's HOME (sudo -E, su -m) would leave that user a directory of root's.
	if (info.st_uid != ::geteuid() && info.st_uid != 0)
		throw Poco::IOException(parent
			+ " belongs to another user; the store is not created there (run as that user, or name a directory of your "
			  "own)");
	if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create " + path, errno);
}

void FileTokenStore::checkDirectory() const
{
	if (!_pathChecked.load(std::memory_order_acquire))
	{
		checkPath();
		_pathChecked.store(true, std::memory_order_release);
	}
	struct stat info = {};
	if (::lstat(_directory.c_str(), &info) != 0)
	{
		if (errno != ENOENT) fail("cannot look at " + _directory, errno);
		makeDirectory(_directory, 1);
		if (::lstat(_directory.c_str(), &info) != 0) fail("cannot look at " + _directory, errno);
	}
	if (S_ISLNK(info.st_mode))
		throw Poco::IOException(_directory + " is a symbolic link; the store is used only through a real directory");
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
		if (errno == ELOOP) throw UnusableEntryException("the entry " + path + " is a symbolic link");
		fail("cannot open the entry " + path, errno);
	}
	struct stat info = {};
	if (::fstat(file.get(), &info) != 0) fail("cannot look at the entry " + path, errno);
	if (S_ISDIR(info.st_mode))
		throw UnusableEntryException("the entry " + path + " is a directory (remove it to share tokens again)");
	if (!S_ISREG(info.st_mode)) throw UnusableEntryException("the entry " + path + " is not a regular file");
	try
	{
		checkPrivate(info, "the entry " + path);
	}
	catch (const Poco::IOException& e)
	{
		throw UnusableEntryException(e.message());
	}
	// The entry's modification time is when it expires (see write): past it, there is none.
	if (info.st_mtim.tv_sec < std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()))
		return std::nullopt;
	return readAll(file.get(), "the entry " + path);
}

void FileTokenStore::write(
	const std::string& name, const std::string& bytes, SharedEntry::WallClock::time_point expiresAt, Deadline)
{
	checkDirectory();
	std::random_device random;
	const std::string temporary =
		pathOf(name, ".entry." + std::to_string(::getpid()) + "-" + std::to_string(random()) + ".tmp");
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
	// Over whatever is in the entry's place (a damaged entry, a link, a FIFO): in a private
	// directory, only this user put it there.
	if (::rename(temporary.c_str(), pathOf(name, ".entry").c_str()) != 0)
	{
		const int error = errno;
		::unlink(temporary.c_str());
		if (error == EISDIR || error == ENOTEMPTY || error == EEXIST)
			throw Poco::IOException("cannot replace the entry " + pathOf(name, ".entry")
				+ ": it is a directory (remove it to share tokens again)");
		fail("cannot replace the entry " + pathOf(name, ".entry"), error);
	}
	sweep();
}

void FileTokenStore::sweep()
{
	if (!_sweeps.pass()) return;
	DIR* directory = ::opendir(_directory.c_str());
	if (!directory) return;
	const int fd = ::dirfd(directory);
	const time_t now = std::time(nullptr);
	unsigned looked = 0;
	unsigned removed = 0;
	while (looked < SWEEP_LOOKS && removed < SWEEP_REMOVALS)
	{
		const struct dirent* item = ::readdir(directory);
		if (!item) break;
		++looked;
		const std::string name = item->d_name;
		struct stat info = {};
		if (::fstatat(fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode)
			|| info.st_uid != ::geteuid())
			continue;
		const auto endsWith = [&](const std::string& suffix) {
			return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
		};
		if (endsWith(".entry"))
		{
			// Expired (the modification time is the expiry).
			if (info.st_mtim.tv_sec < now && ::unlinkat(fd, name.c_str(), 0) == 0) ++removed;
		}
		else if (endsWith(".tmp"))
		{
			// Left by a writer that died between creating and renaming it.
			if (info.st_mtim.tv_sec < now - static_cast<time_t>(IDLE_AFTER.count())
				&& ::unlinkat(fd, name.c_str(), 0) == 0)
				++removed;
		}
		else if (endsWith(".lock") && info.st_mtim.tv_sec < now - static_cast<time_t>(IDLE_AFTER.count()))
		{
			// Idle: its entry is gone and nobody holds it. Removed while held, so that a process
			// that opened it meanwhile sees, once it holds it, that the path names another file.
			const std::string entry = name.substr(0, name.size() - 5) + ".entry";
			struct stat entryInfo = {};
			if (::fstatat(fd, entry.c_str(), &entryInfo, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) continue;
			const Descriptor lock(::openat(fd, name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
			if (lock.get() >= 0 && ::flock(lock.get(), LOCK_EX | LOCK_NB) == 0 && ::unlinkat(fd, name.c_str(), 0) == 0)
				++removed;
		}
	}
	::closedir(directory);
}

void FileTokenStore::remove(const std::string& name, const std::string& bytes, Deadline deadline)
{
	// Compared, then unlinked: a token written between the two is lost (it costs one mint), never
	// a revoked one kept.
	const auto current = read(name, deadline);
	if (current && *current == bytes && ::unlink(pathOf(name, ".entry").c_str()) != 0 && errno != ENOENT)
		fail("cannot remove the entry " + pathOf(name, ".entry"), errno);
}

std::unique_ptr<StoreLock> FileTokenStore::lock(const std::string& name, const CallBounds& call)
{
	checkDirectory();
	const std::string path = pathOf(name, ".lock");
	for (;;)
	{
		auto held = openLock(path);
		for (;;)
		{
			if (::flock(held->fd(), LOCK_EX | LOCK_NB) == 0) break;
			if (errno != EWOULDBLOCK && errno != EINTR) fail("cannot lock " + path, errno);
			if (Clock::now() + LOCK_POLL >= call.deadline || Cancellation::requested(call.cancellation)) return nullptr;
			std::this_thread::sleep_for(LOCK_POLL);
		}
		// A sweep removes an idle lock while holding it: the file held here must still be the
		// one the path names, or the lock is taken again on the file that is.
		struct stat heldInfo = {};
		struct stat pathInfo = {};
		if (::fstat(held->fd(), &heldInfo) != 0) fail("cannot look at the lock " + path, errno);
		if (::lstat(path.c_str(), &pathInfo) == 0 && pathInfo.st_ino == heldInfo.st_ino
			&& pathInfo.st_dev == heldInfo.st_dev)
			return held;
	}
}

std::unique_ptr<FileTokenStore::Lock> FileTokenStore::openLock(const std::string& path) const
{
	for (int attempt = 0;; ++attempt)
	{
		const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
		if (fd < 0 && (errno != ELOOP && errno != EISDIR && errno != ENXIO))
			fail("cannot open the lock " + path, errno);
		std::unique_ptr<Lock> held = fd >= 0 ? std::make_unique<Lock>(fd) : nullptr;
		struct stat info = {};
		if (held && ::fstat(fd, &info) != 0) fail("cannot look at the lock " + path, errno);
		if (held && S_ISREG(info.st_mode) && info.st_uid == ::geteuid() && !(info.st_mode & 077)) return held;
		// Something that cannot be a lock of ours (a link, a directory, a FIFO, a file open to
		// others): in a private directory only this user put it there, so it is replaced.
		if (attempt > 0)
			throw Poco::IOException("the lock " + path + " cannot be replaced; remove it to share tokens again");
		held.reset();
		if (::unlink(path.c_str()) != 0 && errno == EISDIR && ::rmdir(path.c_str()) != 0)
			throw Poco::IOException(
				"the lock " + path + " is a directory that cannot be removed (remove it to share tokens again)");
	}
}

}
} // namespace Falcon::OAuth2
