/* jobtap-host: the messaging and logging calls of a service handler
 * (flux_request_unpack, flux_request_decode, flux_respond*, flux_log*).
 * A request is delivered synchronously by jobtap_host_rpc(); the response
 * is captured in the message for the caller to read. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host-internal.h"

static void msg_error (flux_msg_t *msg, const char *text)
{
    snprintf (msg->lasterr, sizeof (msg->lasterr), "%s", text);
}

int flux_request_unpack (const flux_msg_t *cmsg,
                         const char **topic,
                         const char *fmt,
                         ...)
{
    /* The host owns every message; the decoded payload is cached in it. */
    flux_msg_t *msg = (flux_msg_t *)cmsg;
    json_error_t err;
    va_list ap;
    int rc;

    if (!msg || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (topic)
        *topic = msg->topic;
    if (!msg->payload || *msg->payload == '\0') {
        msg_error (msg, "message does not have a payload");
        errno = EPROTO;
        return -1;
    }
    if (!msg->obj && !(msg->obj = json_loads (msg->payload, 0, &err))) {
        msg_error (msg, err.text);
        errno = EPROTO;
        return -1;
    }
    va_start (ap, fmt);
    rc = json_vunpack_ex (msg->obj, &err, 0, fmt, ap);
    va_end (ap);
    if (rc < 0) {
        msg_error (msg, err.text);
        errno = EPROTO;
        return -1;
    }
    return 0;
}

int flux_request_decode (const flux_msg_t *msg, const char **topic, const char **s)
{
    if (!msg) {
        errno = EINVAL;
        return -1;
    }
    if (topic)
        *topic = msg->topic;
    if (s)
        *s = msg->payload && *msg->payload ? msg->payload : NULL;
    return 0;
}

const char *flux_msg_last_error (const flux_msg_t *msg)
{
    if (!msg)
        return "msg object is NULL";
    return msg->lasterr;
}

/* Only the first response is kept; later ones are counted, so a test can
 * see a handler that responds twice. */
int flux_respond (flux_t *h, const flux_msg_t *cmsg, const char *s)
{
    flux_msg_t *msg = (flux_msg_t *)cmsg;

    if (!h || !msg) {
        errno = EINVAL;
        return -1;
    }
    if (msg->responses++ == 0 && !(msg->response = strdup (s ? s : "")))
        return -1;
    return 0;
}

int flux_respond_pack (flux_t *h, const flux_msg_t *msg, const char *fmt, ...)
{
    json_error_t err;
    va_list ap;
    json_t *o;
    char *s;
    int rc;

    if (!h || !msg || !fmt) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    o = json_vpack_ex (&err, 0, fmt, ap);
    va_end (ap);
    if (!o) {
        errno = EINVAL;
        return -1;
    }
    s = json_dumps (o, JSON_COMPACT);
    json_decref (o);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    rc = flux_respond (h, msg, s);
    free (s);
    return rc;
}

int flux_respond_error (flux_t *h,
                        const flux_msg_t *cmsg,
                        int errnum,
                        const char *errstr)
{
    flux_msg_t *msg = (flux_msg_t *)cmsg;

    if (!h || !msg || errnum == 0) {
        errno = EINVAL;
        return -1;
    }
    if (msg->responses++ == 0) {
        msg->errnum = errnum;
        if (!(msg->errstr = strdup (errstr ? errstr : strerror (errnum))))
            return -1;
    }
    return 0;
}

static const char *level_name (int level)
{
    static const char *names[] = {
        "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
    };
    if (level < 0 || level > LOG_DEBUG)
        return "log";
    return names[level];
}

static void vlog (flux_t *h, int level, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));

static void vlog (flux_t *h, int level, const char *fmt, va_list ap)
{
    char buf[1024];
    char line[1100];

    vsnprintf (buf, sizeof (buf), fmt, ap);
    snprintf (line, sizeof (line), "%s: %s", level_name (level), buf);
    if (h && h->host)
        host_log (h->host, level, line);
    else
        fprintf (stderr, "%s\n", line);
}

int flux_log (flux_t *h, int level, const char *fmt, ...)
{
    va_list ap;
    int saved_errno = errno;

    va_start (ap, fmt);
    vlog (h, level, fmt, ap);
    va_end (ap);
    errno = saved_errno;
    return 0;
}

void flux_log_error (flux_t *h, const char *fmt, ...)
{
    int saved_errno = errno;
    char buf[1024];
    va_list ap;

    va_start (ap, fmt);
    vsnprintf (buf, sizeof (buf), fmt, ap);
    va_end (ap);
    flux_log (h, LOG_ERR, "%s: %s", buf, strerror (saved_errno));
    errno = saved_errno;
}
