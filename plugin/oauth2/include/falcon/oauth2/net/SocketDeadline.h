#pragma once

#include "falcon/oauth2/core/Deadline.h"

#include <Poco/Net/Socket.h>

#include <memory>

namespace Falcon {
namespace OAuth2 {

/// Shuts a socket down for reading and writing the moment a call's deadline passes (or the call
/// is cancelled), whatever the call is blocked in at that moment: a status line, a header, a body,
/// a CONNECT reply or a TLS record that the peer sends one byte at a time.
///
/// Socket timeouts bound each read (`recv`) alone, so a peer that trickles one byte inside every
/// timeout keeps a blocking read going for ever; OpenSSL even reads a whole record across many
/// `recv`s. A shutdown ends every such read at once, on any layer. One process-wide watcher
/// thread serves every armed socket; it is joined when the module holding it is unloaded.
///
/// The socket must stay open while armed: disarm (or destroy) this before closing it, so that
/// the watcher never shuts down a descriptor number the process has since reused.
class SocketDeadline
{
public:
	/// `cancellation` (may be null) is looked at every 50 ms while armed: a host that gives up on
	/// its calls (a second Ctrl-C) need not wait for their deadlines. (Polled rather than
	/// subscribed to: one watcher serves every socket, and arming stays a map insertion.)
	SocketDeadline(const Poco::Net::Socket& socket, Deadline deadline, const Cancellation* cancellation = nullptr);
	~SocketDeadline();
	SocketDeadline(const SocketDeadline&) = delete;
	SocketDeadline& operator=(const SocketDeadline&) = delete;

	/// Stops watching; after it returns the watcher will not touch the socket. Idempotent.
	void disarm();

	/// True once the watcher shut the socket down: whatever a read or write then reported, the
	/// real cause is the deadline (or the cancellation).
	bool passed() const;

	struct Entry;

private:
	std::unique_ptr<Entry> _entry;
};

}
} // namespace Falcon::OAuth2
