using System.Buffers;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using static Orchestrator.Adapters.SignalGateway.Utf8Line;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Writes the gateway's answer lines as UTF-8 JSON straight into the connection's output buffer,
/// without allocating (fixed parts are literals, numbers formatted in place):
/// <code>
/// {"id":"a1","status":"accepted","seq":42}
/// {"id":"a2","status":"rejected","error":"confidence: must be between 0 and 1"}
/// {"id":"a1","seq":42,"status":"ordered","order_id":"17"}
/// {"id":"a1","seq":42,"status":"risk_rejected","reason":"MaxOpenOrders"}
/// {"id":"a1","seq":42,"status":"no_order"}
/// {"status":"authenticated"}
/// </code>
/// The id is echoed as the client wrote it (raw JSON string content, escapes kept), or null.
/// </summary>
internal static class GatewayAnswerFormat
{
    /// <summary>Upper bound of one answer line: id, the longest message, two 20-digit numbers, framing.</summary>
    public const int MaxLineBytes = 512;

    public static void WriteAck(IBufferWriter<byte> output, in LineEntry entry, ReadOnlySpan<byte> id)
    {
        Span<byte> span = output.GetSpan(MaxLineBytes);
        int n;
        if (entry.Answer == LineAnswer.Authenticated)
        {
            n = Put(span, 0, "{\"status\":\"authenticated\"}\n"u8);
            output.Advance(n);
            return;
        }

        if (entry.Answer == LineAnswer.AgentError)
        {
            n = Put(span, 0, "{\"type\":\"error\",\"error\":\""u8);
            n = Put(span, n, GatewayErrorText.Utf8(entry.Error));
            n = Put(span, n, "\"}\n"u8);
            output.Advance(n);
            return;
        }

        n = PutId(span, 0, id, entry.IdLength >= 0);
        if (entry.Answer == LineAnswer.Accepted)
        {
            n = Put(span, n, ",\"status\":\"accepted\",\"seq\":"u8);
            n = PutNumber(span, n, entry.Sequence);
        }
        else
        {
            n = Put(span, n, ",\"status\":\"rejected\",\"error\":\""u8);
            n = Put(span, n, GatewayErrorText.Utf8(entry.Error));
            n = Put(span, n, "\""u8);
        }

        n = Put(span, n, "}\n"u8);
        output.Advance(n);
    }

    public static void WriteOutcome(IBufferWriter<byte> output, in LineEntry entry, ReadOnlySpan<byte> id)
    {
        Span<byte> span = output.GetSpan(MaxLineBytes);
        int n = PutId(span, 0, id, entry.IdLength >= 0);
        n = Put(span, n, ",\"seq\":"u8);
        n = PutNumber(span, n, entry.Sequence);
        switch (entry.Outcome)
        {
            case SignalOutcome.Ordered:
                n = Put(span, n, ",\"status\":\"ordered\",\"order_id\":\""u8);
                n = PutNumber(span, n, entry.OrderId);
                n = Put(span, n, "\""u8);
                break;
            case SignalOutcome.RiskRejected:
                n = Put(span, n, ",\"status\":\"risk_rejected\",\"reason\":\""u8);
                n = Put(span, n, Utf8EnumNames<RejectReason>.Get(entry.Reject));
                n = Put(span, n, "\""u8);
                break;
            default:
                n = Put(span, n, ",\"status\":\"no_order\""u8);
                break;
        }

        n = Put(span, n, "}\n"u8);
        output.Advance(n);
    }

    /// <summary>A one-off error line (a refused connection), with no id.</summary>
    public static byte[] ErrorLine(GatewayError error)
    {
        var buffer = new ArrayBufferWriter<byte>(MaxLineBytes);
        WriteAck(buffer, new LineEntry { Answer = LineAnswer.Rejected, Error = error, IdLength = -1 }, default);
        return buffer.WrittenSpan.ToArray();
    }

    private static int PutId(Span<byte> span, int n, ReadOnlySpan<byte> id, bool hasId)
    {
        if (!hasId)
        {
            return Put(span, n, "{\"id\":null"u8);
        }

        n = Put(span, n, "{\"id\":\""u8);
        n = Put(span, n, id);
        return Put(span, n, "\""u8);
    }
}
