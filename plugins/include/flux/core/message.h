/* The few messaging and logging calls a jobtap service handler makes. */
#ifndef FLUXACCT_FLUX_CORE_MESSAGE_H
#define FLUXACCT_FLUX_CORE_MESSAGE_H

#include <stdarg.h>
#include <syslog.h>
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode the JSON payload of a request with a jansson unpack format.  If
 * topic is non-NULL it receives the request topic.  Returns 0, or -1 with
 * errno set (EPROTO for a missing or mismatched payload); the text is then
 * available from flux_msg_last_error(). */
int flux_request_unpack (const flux_msg_t *msg,
                         const char **topic,
                         const char *fmt,
                         ...);

/* The request's topic and raw JSON payload text (*s is NULL when the
 * request has no payload), both valid as long as msg.  Returns 0, or -1
 * with errno EPROTO when msg is not a request. */
int flux_request_decode (const flux_msg_t *msg, const char **topic, const char **s);

/* Text of the last decode error on msg. */
const char *flux_msg_last_error (const flux_msg_t *msg);

/* Respond to a request with a JSON string payload (s may be NULL). */
int flux_respond (flux_t *h, const flux_msg_t *request, const char *s);

/* Respond with a payload built from a jansson pack format. */
int flux_respond_pack (flux_t *h, const flux_msg_t *request, const char *fmt, ...);

/* Respond with an error number and optional text (NULL: strerror text). */
int flux_respond_error (flux_t *h,
                        const flux_msg_t *request,
                        int errnum,
                        const char *errstr);

/* Log at a syslog(3) level.  h may be NULL: the message goes to stderr. */
int flux_log (flux_t *h, int level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Log at LOG_ERR with ": strerror(errno)" appended; errno is preserved. */
void flux_log_error (flux_t *h, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FLUX_CORE_MESSAGE_H */
