using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// Decodes the KIS execution-notice connection: the subscribe ack (JSON) brings this
/// connection's AES-256-CBC key and IV (<c>body.output.key</c>, 32 characters; <c>body.output.iv</c>,
/// 16), then each data frame <c>1|H0STCNI0|001|&lt;base64&gt;</c> is decrypted (PKCS7) into a
/// <c>^</c>-separated record. Plain (flag 0) notice frames are read too.
/// </summary>
/// <remarks>
/// <para>Record layout, 26 fields (KIS's published column list; the brief's shorter list leaves out
/// 18–21): 0 CUST_ID, 1 ACNT_NO, 2 ODER_NO, 3 OODER_NO, 4 SELN_BYOV_CLS (01 sell, 02 buy),
/// 5 RCTF_CLS (0 new, 1 revise, 2 cancel), 6 ODER_KIND, 7 ODER_COND, 8 STCK_SHRN_ISCD, 9 CNTG_QTY,
/// 10 CNTG_UNPR, 11 STCK_CNTG_HOUR, 12 RFUS_YN (0 accepted, 1 refused), 13 CNTG_YN (1 order,
/// revise, cancel or refusal notice; 2 execution), 14 ACPT_YN (1 accepted, 2 confirmed, 3 canceled),
/// 15 BRNC_NO, 16 ODER_QTY, 17 ACNT_NAME, 18 ORD_COND_PRC, 19 ORD_EXG_GB, 20 POPUP_YN, 21 FILLER,
/// 22 CRDT_CLS, 23 CRDT_LOAN_DATE, 24 CNTG_ISNM40, 25 ODER_PRC. Fields 0–17 are read by position;
/// ODER_PRC as the last field, so a record of 18 or more fields is accepted when the frame holds one.</para>
/// <para>Slow path: notices are rare, so this allocates (a string per record). Bad frames are
/// counted in <see cref="Malformed"/> and skipped, never thrown. One instance per connection, called
/// on its receive thread.</para>
/// </remarks>
public sealed class KisExecutionNoticeParser : IDisposable
{
    /// <summary>Fields in a notice record.</summary>
    public const int FieldCount = 26;

    private const int MinimumFields = 18;

    private Aes? _aes;
    private byte[]? _iv;

    public long Frames { get; private set; }

    public long Notices { get; private set; }

    public long Malformed { get; private set; }

    /// <summary>Whether an ack has delivered a key (encrypted frames before one are malformed).</summary>
    public bool HasKey => _aes is not null;

    /// <summary>Installs the AES key and IV (normally from the subscribe ack).</summary>
    public void SetKey(string key, string iv)
    {
        byte[] keyBytes = Encoding.ASCII.GetBytes(key);
        byte[] ivBytes = Encoding.ASCII.GetBytes(iv);
        if (keyBytes.Length != 32 || ivBytes.Length != 16)
        {
            throw new ArgumentException("KIS notice keys are 32 characters and IVs 16");
        }

        _aes?.Dispose();
        _aes = Aes.Create();
        _aes.Key = keyBytes;
        _iv = ivBytes;
    }

    /// <summary>Parses one frame; decoded notices are added to <paramref name="notices"/>.</summary>
    public KisFrameResult Parse(ReadOnlySpan<byte> frame, ICollection<KisExecutionNotice> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        Frames++;
        if (frame.IsEmpty)
        {
            return Reject("empty frame");
        }

        if (frame[0] == (byte)'{')
        {
            return ParseControl(frame);
        }

        if (KisDataFrame.TrySplit(frame, out bool encrypted, out ReadOnlySpan<byte> trId, out int count, out ReadOnlySpan<byte> payload) is { } reason)
        {
            return Reject(reason);
        }

        if (!trId.SequenceEqual("H0STCNI0"u8) && !trId.SequenceEqual("H0STCNI9"u8))
        {
            return new KisFrameResult(KisFrameKind.UnknownTr, 0, "not an execution notice");
        }

        string text;
        if (encrypted)
        {
            if (Decrypt(payload) is not { } plain)
            {
                return Reject(HasKey ? "encrypted frame does not decrypt with this connection's key" : "encrypted frame before any key");
            }

            text = plain;
        }
        else
        {
            text = Encoding.UTF8.GetString(payload);
        }

        string[] fields = text.Split('^');
        int width = count == 1 && fields.Length >= MinimumFields ? fields.Length : FieldCount;
        if (fields.Length != count * width)
        {
            return Reject("record count and field count disagree");
        }

        var decoded = new List<KisExecutionNotice>(count);
        for (int r = 0; r < count; r++)
        {
            if (Decode(fields.AsSpan(r * width, width)) is not { } notice)
            {
                return Reject("a notice field is out of range (side, CNTG_YN or a number)");
            }

            decoded.Add(notice);
        }

        foreach (KisExecutionNotice notice in decoded)
        {
            notices.Add(notice);
        }

        Notices += decoded.Count;
        return new KisFrameResult(KisFrameKind.Data, decoded.Count);
    }

    private string? Decrypt(ReadOnlySpan<byte> base64)
    {
        if (_aes is null || _iv is null)
        {
            return null;
        }

        byte[] cipher = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (Base64.DecodeFromUtf8(base64, cipher, out _, out int written) != System.Buffers.OperationStatus.Done || written == 0 || written % 16 != 0)
        {
            return null;
        }

        try
        {
            byte[] plain = _aes.DecryptCbc(cipher.AsSpan(0, written), _iv, PaddingMode.PKCS7);
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null; // wrong key, or corrupted: the padding does not check out, or the text is not UTF-8
        }
    }

    private static KisExecutionNotice? Decode(ReadOnlySpan<string> f)
    {
        Side side = f[4] switch
        {
            "01" => Side.Sell,
            "02" => Side.Buy,
            _ => Side.None,
        };
        if (side == Side.None || f[13] is not ("1" or "2") || f[2].Length == 0 || f[8].Length == 0
            || !TryNumber(f[9], out decimal quantity) || !TryNumber(f[10], out decimal price) || !TryNumber(f[16], out decimal ordered)
            || !TryNumber(f[^1], out decimal orderPrice))
        {
            return null;
        }

        bool fill = f[13] == "2";
        return new KisExecutionNotice(
            f[2],
            f[3],
            f[8],
            side,
            fill ? (long)quantity : 0,
            fill || orderPrice == 0 ? price : orderPrice,
            fill,
            f[12] == "1",
            f[5] == "2",
            (long)ordered,
            f[1],
            f[11]);
    }

    /// <summary>A non-negative number; an empty field is 0 (KIS leaves fields blank that do not apply).</summary>
    private static bool TryNumber(string field, out decimal value)
    {
        value = 0;
        return field.Length == 0 || (decimal.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value <= long.MaxValue);
    }

    /// <summary>PINGPONG, or an ack: <c>body.rt_cd</c>, and <c>body.output.key</c>/<c>iv</c> when it brings them.</summary>
    private KisFrameResult ParseControl(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using JsonDocument json = JsonDocument.ParseValue(ref reader);
            JsonElement root = json.RootElement;
            if (root.TryGetProperty("header", out JsonElement header) && header.TryGetProperty("tr_id", out JsonElement tr) && tr.ValueEquals("PINGPONG"u8))
            {
                return new KisFrameResult(KisFrameKind.PingPong, 0);
            }

            if (!root.TryGetProperty("body", out JsonElement body) || !body.TryGetProperty("rt_cd", out JsonElement rtCd))
            {
                return Reject("JSON frame is neither a PINGPONG nor an ack with body.rt_cd");
            }

            if (!rtCd.ValueEquals("0"u8))
            {
                return new KisFrameResult(KisFrameKind.SubscribeAck, 0, "subscription refused (rt_cd != 0)");
            }

            if (body.TryGetProperty("output", out JsonElement output)
                && output.TryGetProperty("key", out JsonElement key) && output.TryGetProperty("iv", out JsonElement iv)
                && key.GetString() is { Length: 32 } k && iv.GetString() is { Length: 16 } v)
            {
                SetKey(k, v);
            }

            return new KisFrameResult(KisFrameKind.SubscribeAck, 0);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return Reject("malformed JSON control frame");
        }
    }

    private KisFrameResult Reject(string reason)
    {
        Malformed++;
        return new KisFrameResult(KisFrameKind.Malformed, 0, reason);
    }

    public void Dispose() => _aes?.Dispose();
}
