#include "BoundedRead.h"

#include "HostError.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace Falcon {
namespace Host {

namespace {

std::string tooLarge(const std::string& what, std::size_t limit)
{
	return what + ": larger than the limit of " + std::to_string(limit) + " bytes";
}

const char* kindOf(mode_t mode)
{
	if (S_ISDIR(mode)) return "a directory";
	if (S_ISFIFO(mode)) return "a FIFO";
	if (S_ISSOCK(mode)) return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
	return "not a regular file";
}

/// Closes the descriptor on every way out.
struct Descriptor
{
	int fd;
	~Descriptor()
	{
		if (fd >= 0) ::close(fd);
	}
};

} // namespace

std::string readRegularFile(const std::string& path, std::size_t limit, const std::string& what)
{
	// Non-blocking: opening a FIFO must not wait for a writer before its type is seen.
	const Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
	if (file.fd < 0)
		throw HostError(
			what + ": " + (errno == ENOENT ? std::string("no such file") : std::string(std::strerror(errno))));
	struct stat info
	{
	};
	if (::fstat(file.fd, &info) != 0) throw HostError(what + ": " + std::strerror(errno));
	if (!S_ISREG(info.st_mode)) throw HostError(what + ": " + kindOf(info.st_mode) + ", not a file");
	if (static_cast<std::size_t>(info.st_size) > limit) throw HostError(tooLarge(what, limit));
	::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK);

	std::string text;
	char buffer[16 * 1024];
	for (;;)
	{
		const ssize_t got = ::read(file.fd, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR) continue;
		if (got < 0) throw HostError(what + ": cannot be read: " + std::strerror(errno));
		if (got == 0) return text;
		// The file may have grown since it was looked at.
		if (text.size() + static_cast<std::size_t>(got) > limit) throw HostError(tooLarge(what, limit));
		text.append(buffer, static_cast<std::size_t>(got));
	}
}

std::string readStream(std::istream& in, std::size_t limit, const std::string& what)
{
	std::string text;
	char buffer[16 * 1024];
	while (in)
	{
		in.read(buffer, sizeof(buffer));
		const auto got = static_cast<std::size_t>(in.gcount());
		if (text.size() + got > limit) throw HostError(tooLarge(what, limit));
		text.append(buffer, got);
	}
	if (in.bad()) throw HostError(what + ": cannot be read");
	return text;
}

std::string readLine(std::istream& in, std::size_t limit, const std::string& what)
{
	std::string line;
	for (char c; in.get(c) && c != '\n';)
	{
		if (line.size() >= limit) throw HostError(tooLarge(what, limit));
		line += c;
	}
	if (in.bad()) throw HostError(what + ": cannot be read");
	if (!line.empty() && line.back() == '\r') line.pop_back();
	return line;
}

}
} // namespace Falcon::Host
