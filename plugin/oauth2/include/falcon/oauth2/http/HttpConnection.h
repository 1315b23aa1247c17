#pragma once

#include "falcon/oauth2/http/HeaderList.h"

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// The head of an HTTP/1.1 reply, and how its body is framed.
struct ResponseHead
{
	int status = 0;
	HeaderList headers; ///< in the order and spelling they arrived in
	std::optional<std::uint64_t> contentLength; ///< the body's length, when it is counted
	bool chunked = false; ///< otherwise, with no length, the body ends with the connection
	bool keepAlive = true; ///< the connection stays open after this reply

	/// A reply to a POST has a body unless its status says it has none.
	bool hasBody() const { return status >= 200 && status != 204 && status != 304; }
};

/// HTTP/1.1 framing on a connection someone else opened (Connector: proxy, TLS, deadline): a
/// request goes out in one write; a reply is read through a buffer of our own, its head a line
/// at a time and its body counted, chunked or to the end of the connection. Poco's
/// HTTPClientSession formats a head twice (once only to count it) and reads through istreams
/// that each set up a locale: that cost as much as the rest of a token call on our side.
/// One reply at a time: readHead, then readBody until it returns 0.
class HttpConnection final
{
public:
	/// Header lines longer than this, or more fields than MAX_FIELDS, make a reply malformed.
	static constexpr std::size_t MAX_LINE_BYTES = 16 * 1024;
	static constexpr std::size_t MAX_FIELDS = 100;

	/// `readTimeout`: how long the socket's reads wait (its receive timeout).
	HttpConnection(const Poco::Net::StreamSocket& socket, std::chrono::milliseconds readTimeout);
	/// Closes the socket.
	~HttpConnection();
	HttpConnection(const HttpConnection&) = delete;
	HttpConnection& operator=(const HttpConnection&) = delete;

	Poco::Net::StreamSocket& socket() { return _socket; }
	/// Shuts the socket down and closes it at once: a reply still on its way is left unread.
	void abort();

	/// Writes all of `bytes`, or throws.
	void send(const std::string& bytes);
	/// Reads a reply's head, passing over interim (1xx) replies. Throws
	/// Poco::Net::NoMessageException when the connection ends before the reply's first byte,
	/// Poco::Net::MessageException when the head is malformed or breaks a limit, and
	/// Poco::TimeoutException when a read waits out the read timeout (here or in readBody).
	ResponseHead readHead();
	/// Reads up to `length` bytes of the body whose head was read last: 0 at its end, or when
	/// the connection ends first (the caller compares with the length announced). Throws
	/// Poco::Net::MessageException when a chunked body is malformed or cut short.
	std::size_t readBody(char* buffer, std::size_t length);

private:
	enum class Framing
	{
		Done,
		Counted,
		Chunked,
		ToTheEnd
	};

	/// Reads more of the connection into the (empty) buffer; false once it has ended.
	bool fill();
	/// Up to `length` bytes, from the buffer first; 0 once the connection has ended.
	std::size_t readSome(char* buffer, std::size_t length);
	/// Up to `length` bytes from the socket; 0 once the connection has ended.
	std::size_t receiveSome(char* buffer, std::size_t length);
	/// One line without its line end; false when the connection ends before the line does.
	bool readLine(std::string& line);
	void readFields(ResponseHead& head);
	/// The next chunk's size, after the end of the one before; 0 for the last.
	std::uint64_t nextChunk();

	Poco::Net::StreamSocket _socket;
	const std::chrono::milliseconds _readTimeout;
	char _in[16 * 1024];
	std::size_t _begin = 0; ///< the first byte of _in not yet read
	std::size_t _end = 0; ///< the end of what was received into _in
	Framing _framing = Framing::Done;
	std::uint64_t _left = 0; ///< of the counted body, or of the current chunk
	bool _firstChunk = true;
};

}
} // namespace Falcon::OAuth2
