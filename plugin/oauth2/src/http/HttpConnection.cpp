#include "falcon/oauth2/http/HttpConnection.h"

#include <Poco/Net/NetException.h>
#include <Poco/String.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace Falcon {
namespace OAuth2 {

namespace {

using Poco::Net::MessageException;

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

int hexValue(char c)
{
	if (isDigit(c)) return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

std::string trimmed(const std::string& text, std::size_t from)
{
	std::size_t begin = from;
	std::size_t end = text.size();
	while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
	while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
	return text.substr(begin, end - begin);
}

/// The status of `line` ("HTTP/1.1 201 Created"); `keepAlive` becomes the version's default.
int statusOf(const std::string& line, bool& keepAlive)
{
	// HTTP-version SP 3DIGIT [SP reason-phrase]
	const bool wellFormed = line.size() >= 12 && line.compare(0, 5, "HTTP/") == 0 && isDigit(line[5]) && line[6] == '.'
		&& isDigit(line[7]) && line[8] == ' ' && isDigit(line[9]) && isDigit(line[10]) && isDigit(line[11])
		&& (line.size() == 12 || line[12] == ' ');
	if (!wellFormed) throw MessageException("the reply does not start with an HTTP/1.x status line");
	keepAlive = line.compare(5, 3, "1.0") != 0;
	return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

/// Whether the comma-separated list `value` holds `token` (compared case-insensitively).
bool listHolds(const std::string& value, const char* token)
{
	std::size_t start = 0;
	while (start <= value.size())
	{
		std::size_t comma = value.find(',', start);
		if (comma == std::string::npos) comma = value.size();
		if (Poco::icompare(trimmed(value.substr(start, comma - start), 0), token) == 0) return true;
		start = comma + 1;
	}
	return false;
}

std::uint64_t contentLengthOf(const std::string& value)
{
	// At most 18 digits: the number cannot overflow, and no reply we accept comes near it.
	if (value.empty() || value.size() > 18)
		throw MessageException("the reply's Content-Length is not a number of bytes");
	std::uint64_t length = 0;
	for (const char c : value)
	{
		if (!isDigit(c)) throw MessageException("the reply's Content-Length is not a number of bytes");
		length = length * 10 + static_cast<std::uint64_t>(c - '0');
	}
	return length;
}

/// Reads how the body is framed, and whether the connection stays open, from the fields.
void frame(ResponseHead& head)
{
	bool encoded = false;
	for (const auto& field : head.headers)
	{
		if (Poco::icompare(field.first, "Content-Length") == 0)
		{
			const std::uint64_t length = contentLengthOf(field.second);
			if (head.contentLength && *head.contentLength != length)
				throw MessageException("the reply announces two different Content-Lengths");
			head.contentLength = length;
		}
		else if (Poco::icompare(field.first, "Transfer-Encoding") == 0)
		{
			encoded = true;
			// The last coding decides: a chunked body is chunked last.
			const std::size_t comma = field.second.rfind(',');
			head.chunked =
				Poco::icompare(trimmed(field.second, comma == std::string::npos ? 0 : comma + 1), "chunked") == 0;
		}
		else if (Poco::icompare(field.first, "Connection") == 0)
		{
			if (listHolds(field.second, "close")) head.keepAlive = false;
			else if (listHolds(field.second, "keep-alive")) head.keepAlive = true;
		}
	}
	if (encoded)
	{
		// A coding overrides any length. A body in a coding we cannot count, or with a length
		// too (which a server must not send), ends only with the connection: what follows it
		// cannot be trusted.
		if (!head.chunked || head.contentLength) head.keepAlive = false;
		head.contentLength.reset();
	}
	if (!head.hasBody()) head.contentLength.reset(); // the length of a body not sent
	else if (!head.contentLength && !head.chunked) head.keepAlive = false;
}

} // namespace

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, std::chrono::milliseconds readTimeout):
	_socket(socket), _readTimeout(readTimeout)
{
}

HttpConnection::~HttpConnection()
{
	try
	{
		_socket.close();
	}
	catch (...)
	{
		// Gone already: nothing is left to close.
	}
}

void HttpConnection::abort()
{
	_socket.shutdown();
	_socket.close();
}

void HttpConnection::send(const std::string& bytes)
{
	std::size_t sent = 0;
	while (sent < bytes.size())
	{
		const int wrote = _socket.sendBytes(
			bytes.data() + sent, static_cast<int>(std::min<std::size_t>(bytes.size() - sent, INT_MAX)));
		if (wrote <= 0) throw Poco::Net::NetException("the connection stopped taking the request");
		sent += static_cast<std::size_t>(wrote);
	}
}

bool HttpConnection::fill()
{
	// Called once everything buffered has been read: a line is taken out as it is scanned.
	_begin = 0;
	_end = receiveSome(_in, sizeof _in);
	return _end > 0;
}

std::size_t HttpConnection::receiveSome(char* buffer, std::size_t length)
{
	const auto started = std::chrono::steady_clock::now();
	const int got = _socket.receiveBytes(buffer, static_cast<int>(std::min<std::size_t>(length, INT_MAX)));
	if (got > 0) return static_cast<std::size_t>(got);
	// A TLS read that waits out the socket's timeout comes back empty, as if the connection had
	// ended: the time it took tells a stall from an end.
	if (std::chrono::steady_clock::now() - started >= _readTimeout - std::chrono::milliseconds(10))
		throw Poco::TimeoutException(
			"nothing more of the reply came within " + std::to_string(_readTimeout.count()) + " ms");
	return 0;
}

std::size_t HttpConnection::readSome(char* buffer, std::size_t length)
{
	if (_begin < _end)
	{
		const std::size_t taken = std::min(length, _end - _begin);
		std::memcpy(buffer, _in + _begin, taken);
		_begin += taken;
		return taken;
	}
	return receiveSome(buffer, length); // nothing buffered: straight into the caller's buffer
}

bool HttpConnection::readLine(std::string& line)
{
	line.clear();
	for (;;)
	{
		const char* begin = _in + _begin;
		const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', _end - _begin));
		const std::size_t taken = newline ? static_cast<std::size_t>(newline - begin) : _end - _begin;
		if (line.size() + taken > MAX_LINE_BYTES)
			throw MessageException(
				"a line of the reply's head is longer than " + std::to_string(MAX_LINE_BYTES) + " bytes");
		line.append(begin, taken);
		_begin += taken;
		if (newline)
		{
			++_begin;
			break;
		}
		if (!fill()) return false;
	}
	if (!line.empty() && line.back() == '\r') line.pop_back();
	return true;
}

ResponseHead HttpConnection::readHead()
{
	ResponseHead head;
	std::string line;
	bool first = true;
	do
	{
		if (!readLine(line))
		{
			if (first && line.empty()) throw Poco::Net::NoMessageException();
			throw MessageException("the reply ended inside its status line");
		}
		first = false;
		head = ResponseHead();
		head.status = statusOf(line, head.keepAlive);
		readFields(head);
	} while (head.status < 200);
	frame(head);
	_framing = !head.hasBody() ? Framing::Done
		: head.chunked         ? Framing::Chunked
		: head.contentLength   ? Framing::Counted
							   : Framing::ToTheEnd;
	_left = head.contentLength.value_or(0);
	_firstChunk = true;
	return head;
}

void HttpConnection::readFields(ResponseHead& head)
{
	std::string line;
	for (;;)
	{
		if (!readLine(line)) throw MessageException("the reply ended inside its headers");
		if (line.empty()) return;
		if (line[0] == ' ' || line[0] == '\t')
		{
			// An obsolete folded line continues the previous field's value.
			if (head.headers.empty()) throw MessageException("the reply's headers start with a folded line");
			std::string& value = head.headers.back().second;
			value += ' ';
			value += trimmed(line, 0);
			if (value.size() > MAX_LINE_BYTES)
				throw MessageException(
					"a header of the reply is longer than " + std::to_string(MAX_LINE_BYTES) + " bytes");
			continue;
		}
		if (head.headers.size() == MAX_FIELDS)
			throw MessageException("the reply has more than " + std::to_string(MAX_FIELDS) + " header fields");
		const std::size_t colon = line.find(':');
		if (colon == 0 || colon == std::string::npos || line.find_first_of(" \t") < colon)
			throw MessageException("the reply has a header line that is not a field");
		head.headers.emplace_back(line.substr(0, colon), trimmed(line, colon + 1));
	}
}

std::uint64_t HttpConnection::nextChunk()
{
	std::string line;
	// Each chunk's data ends with a line end of its own.
	if (!_firstChunk && (!readLine(line) || !line.empty()))
		throw MessageException("a chunk of the reply does not end where its size says");
	_firstChunk = false;
	if (!readLine(line)) throw MessageException("the reply ended inside its chunked body");
	// chunk-size [; extensions]: at most 15 hex digits, so the size cannot overflow.
	const std::size_t digits = std::min(line.find_first_of("; \t"), line.size());
	if (digits == 0 || digits > 15) throw MessageException("a chunk of the reply has no size");
	std::uint64_t size = 0;
	for (std::size_t i = 0; i < digits; ++i)
	{
		const int value = hexValue(line[i]);
		if (value < 0) throw MessageException("a chunk of the reply has no size");
		size = size * 16 + static_cast<std::uint64_t>(value);
	}
	if (size > 0) return size;
	// The last chunk: trailer fields (passed over, as many as a head may have), then a blank line.
	for (std::size_t fields = 0;; ++fields)
	{
		if (!readLine(line)) throw MessageException("the reply ended inside its chunked body");
		if (line.empty()) return 0;
		if (fields == MAX_FIELDS)
			throw MessageException("the reply has more than " + std::to_string(MAX_FIELDS) + " trailer fields");
	}
}

std::size_t HttpConnection::readBody(char* buffer, std::size_t length)
{
	switch (_framing)
	{
	case Framing::Done: return 0;
	case Framing::ToTheEnd: return readSome(buffer, length);
	case Framing::Counted:
	{
		const std::size_t got = _left == 0 ? 0 : readSome(buffer, std::min<std::uint64_t>(length, _left));
		_left -= got;
		if (got == 0) _framing = Framing::Done;
		return got;
	}
	case Framing::Chunked:
	{
		if (_left == 0) _left = nextChunk();
		if (_left == 0)
		{
			_framing = Framing::Done;
			return 0;
		}
		const std::size_t got = readSome(buffer, std::min<std::uint64_t>(length, _left));
		if (got == 0) throw MessageException("the reply ended inside its chunked body");
		_left -= got;
		return got;
	}
	}
	return 0;
}

}
} // namespace Falcon::OAuth2
