using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Parses one request line — <c>{"symbol":"AAPL","side":"BUY","confidence":0.85,"price":175.5,
/// "reason":"…","source":"…","id":"…"}</c>, plus the optional order intent <c>"order_type"</c>
/// (market|limit|stop|stop_limit|trailing_stop), <c>"limit_price"</c> (alias of <c>price</c>; not both),
/// <c>"stop_price"</c>, <c>"tif"</c> (day|gtc|ioc|fok|opg|cls), <c>"quantity"</c> (shares &gt; 0: whole, or with up to the symbol's quantity decimals, issue 19), the
/// protective exits <c>"take_profit"</c>/<c>"take_profit_pct"</c>, <c>"stop_loss"</c>/<c>"stop_loss_pct"</c>,
/// <c>"trail_price"</c>/<c>"trail_percent"</c> (issue 19; percents become millionths), and
/// <c>"action"</c> (new|amend|cancel) with <c>"order_id"</c> (the engine's order id, a string or a
/// number; side and confidence are optional for amend and cancel) — with
/// <see cref="Utf8JsonReader"/> into a <see cref="ParsedSignal"/>, validating every field with
/// <see cref="SignalLimits"/> and <see cref="SignalIntentRules.CheckAll"/>. Numbers
/// are read exactly as decimals (never double); unknown properties are skipped (forward
/// compatibility), a property given twice is refused. Allocates nothing once the source and
/// reason texts were seen before. One instance per connection (it owns a scratch buffer).
/// <para>
/// Never throws, whatever the bytes: every string is checked for escapes that decode to no text
/// (lone surrogates, <see cref="JsonEscapes"/>) before the reader decodes it, and the reader's
/// own way of refusing malformed JSON (<see cref="JsonException"/>) becomes <see cref="GatewayError.MalformedJson"/>.
/// </para>
/// </summary>
internal sealed class SignalLineParser
{
    /// <summary>Longest client id, in bytes of its raw JSON string content.</summary>
    public const int MaxIdBytes = SignalLimits.MaxIdLength;

    /// <summary>The source of a signal that names none.</summary>
    public const string DefaultSource = "gateway";

    private const int SeenSymbol = 1, SeenSide = 2, SeenConfidence = 4, SeenPrice = 8, SeenReason = 16, SeenSource = 32, SeenId = 64;
    private const int SeenOrderType = 128, SeenLimitPrice = 256, SeenStopPrice = 512, SeenTif = 1024, SeenQuantity = 2048;
    private const int SeenTakeProfit = 1 << 12, SeenTakeProfitPct = 1 << 13, SeenStopLoss = 1 << 14, SeenStopLossPct = 1 << 15;
    private const int SeenTrailPrice = 1 << 16, SeenTrailPercent = 1 << 17, SeenAction = 1 << 18, SeenOrderId = 1 << 19;
    private const int MaxSymbolChars = 32;

    private readonly SymbolTable _symbols;
    private readonly QuantityUnits? _units;
    private readonly TextInterner _sources;
    private readonly TextInterner _reasons;
    private readonly char[] _reason;
    private readonly char[] _source = new char[SignalLimits.MaxSourceLength * 6]; // room for every character escaped as \uXXXX
    private readonly int _defaultSourceId;

    /// <param name="symbols">The engine's symbols.</param>
    /// <param name="sources">Interned source names.</param>
    /// <param name="reasons">Interned reasons.</param>
    /// <param name="maxLineBytes">Longest line.</param>
    /// <param name="units">Each symbol's quantity unit: <c>quantity</c> (shares) is converted into it (issue 19); null = whole shares.</param>
    public SignalLineParser(SymbolTable symbols, TextInterner sources, TextInterner reasons, int maxLineBytes, QuantityUnits? units = null)
    {
        _symbols = symbols;
        _units = units;
        _sources = sources;
        _reasons = reasons;
        _reason = new char[maxLineBytes];
        _defaultSourceId = sources.Intern(DefaultSource);
    }

    /// <summary>Parses <paramref name="line"/> (no newline); returns None or the first problem found.</summary>
    public GatewayError Parse(ReadOnlySpan<byte> line, out ParsedSignal signal)
    {
        signal = default;
        signal.IdOffset = -1;
        signal.SourceId = _defaultSourceId;
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            return GatewayError.InvalidUtf8;
        }

        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            return ParseObject(ref reader, ref signal);
        }
        catch (JsonException)
        {
            // Bad input only (the reader's one way to say it); a valid line never gets here.
            return GatewayError.MalformedJson;
        }
    }

    private GatewayError ParseObject(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return reader.TokenType == JsonTokenType.None ? GatewayError.MalformedJson : Drain(ref reader, GatewayError.NotAnObject);
        }

        GatewayError error = GatewayError.None;
        int seen = 0;
        int reasonLength = 0, sourceLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (IsUndecodable(ref reader))
            {
                error = First(error, GatewayError.InvalidText);
                reader.Read();
                reader.Skip();
                continue;
            }

            int field = FieldOf(ref reader);
            reader.Read();
            if (field != 0 && (seen & field) != 0)
            {
                error = First(error, GatewayError.DuplicateProperty);
                reader.Skip();
                continue;
            }

            seen |= field;
            GatewayError problem = field switch
            {
                SeenSymbol => ReadSymbol(ref reader, ref signal),
                SeenSide => ReadSide(ref reader, ref signal),
                SeenConfidence => ReadConfidence(ref reader, ref signal),
                SeenPrice => ReadPrice(ref reader, ref signal.Intent.LimitRaw, GatewayError.PriceNotNumber, GatewayError.PriceOutOfRange),
                SeenLimitPrice => ReadPrice(ref reader, ref signal.Intent.LimitRaw, GatewayError.LimitPriceNotNumber, GatewayError.LimitPriceOutOfRange),
                SeenStopPrice => ReadPrice(ref reader, ref signal.Intent.StopRaw, GatewayError.StopPriceNotNumber, GatewayError.StopPriceOutOfRange),
                SeenOrderType => ReadOrderType(ref reader, ref signal),
                SeenTif => ReadTif(ref reader, ref signal),
                SeenQuantity => ReadQuantity(ref reader, ref signal),
                SeenTakeProfit => ReadPrice(ref reader, ref signal.Intent.Exits.TakeProfitRaw, GatewayError.TakeProfitInvalid, GatewayError.TakeProfitInvalid),
                SeenTakeProfitPct => ReadPercent(ref reader, ref signal.Intent.Exits.TakeProfitPpm, GatewayError.TakeProfitPctInvalid),
                SeenStopLoss => ReadPrice(ref reader, ref signal.Intent.Exits.StopLossRaw, GatewayError.StopLossInvalid, GatewayError.StopLossInvalid),
                SeenStopLossPct => ReadPercent(ref reader, ref signal.Intent.Exits.StopLossPpm, GatewayError.StopLossPctInvalid),
                SeenTrailPrice => ReadPrice(ref reader, ref signal.Intent.Exits.TrailRaw, GatewayError.TrailPriceInvalid, GatewayError.TrailPriceInvalid),
                SeenTrailPercent => ReadPercent(ref reader, ref signal.Intent.Exits.TrailPpm, GatewayError.TrailPercentInvalid),
                SeenAction => ReadAction(ref reader, ref signal),
                SeenOrderId => ReadOrderId(ref reader, ref signal),
                SeenReason => ReadText(ref reader, _reason, SignalLimits.MaxReasonLength, GatewayError.ReasonNotString, GatewayError.ReasonTooLong, out reasonLength),
                SeenSource => ReadSource(ref reader, out sourceLength),
                SeenId => ReadId(ref reader, ref signal),
                _ => SkipUnknown(ref reader),
            };
            error = First(error, problem);
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return GatewayError.MalformedJson;
        }

        Drain(ref reader, GatewayError.None); // trailing content after the object is malformed JSON (throws)
        if (error != GatewayError.None)
        {
            return error;
        }

        if ((seen & SeenSymbol) == 0)
        {
            return GatewayError.SymbolMissing;
        }

        bool newOrder = signal.Intent.Action == SignalAction.New; // an amend or cancel takes its side from the order
        if ((seen & SeenSide) == 0 && newOrder)
        {
            return GatewayError.SideMissing;
        }

        if ((seen & SeenConfidence) == 0 && newOrder)
        {
            return GatewayError.ConfidenceMissing;
        }

        if ((seen & (SeenPrice | SeenLimitPrice)) == (SeenPrice | SeenLimitPrice))
        {
            return GatewayError.PriceAndLimitPrice;
        }

        if (signal.QuantityShares != 0m && !SignalIntentRules.TryQuantity(signal.QuantityShares, _units?.Decimals(signal.SymbolId) ?? 0, out signal.Intent.Quantity))
        {
            return GatewayError.QuantityInvalid; // a fraction of a whole-share symbol, or more decimals than its quantity_decimals
        }

        GatewayError intent = IntentError(SignalIntentRules.CheckAll(signal.OrderTypeGiven, signal.Side, in signal.Intent));
        if (intent != GatewayError.None)
        {
            return intent;
        }

        // Interned only once the whole line is valid: a refused line leaves no text behind.
        signal.ReasonId = reasonLength > 0 ? _reasons.Intern(_reason.AsSpan(0, reasonLength)) : 0;
        if (sourceLength > 0)
        {
            signal.SourceId = _sources.Intern(_source.AsSpan(0, sourceLength));
        }

        return GatewayError.None;
    }

    private static int FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("symbol"u8))
        {
            return SeenSymbol;
        }

        if (reader.ValueTextEquals("side"u8))
        {
            return SeenSide;
        }

        if (reader.ValueTextEquals("confidence"u8))
        {
            return SeenConfidence;
        }

        if (reader.ValueTextEquals("price"u8))
        {
            return SeenPrice;
        }

        if (reader.ValueTextEquals("reason"u8))
        {
            return SeenReason;
        }

        if (reader.ValueTextEquals("source"u8))
        {
            return SeenSource;
        }

        if (reader.ValueTextEquals("id"u8))
        {
            return SeenId;
        }

        return FieldOfIntent(ref reader);
    }

    private static int FieldOfIntent(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("order_type"u8))
        {
            return SeenOrderType;
        }

        if (reader.ValueTextEquals("limit_price"u8))
        {
            return SeenLimitPrice;
        }

        if (reader.ValueTextEquals("stop_price"u8))
        {
            return SeenStopPrice;
        }

        if (reader.ValueTextEquals("tif"u8))
        {
            return SeenTif;
        }

        return reader.ValueTextEquals("quantity"u8) ? SeenQuantity : FieldOfOrder(ref reader);
    }

    private static int FieldOfOrder(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("take_profit"u8))
        {
            return SeenTakeProfit;
        }

        if (reader.ValueTextEquals("take_profit_pct"u8))
        {
            return SeenTakeProfitPct;
        }

        if (reader.ValueTextEquals("stop_loss"u8))
        {
            return SeenStopLoss;
        }

        if (reader.ValueTextEquals("stop_loss_pct"u8))
        {
            return SeenStopLossPct;
        }

        if (reader.ValueTextEquals("trail_price"u8))
        {
            return SeenTrailPrice;
        }

        if (reader.ValueTextEquals("trail_percent"u8))
        {
            return SeenTrailPercent;
        }

        if (reader.ValueTextEquals("action"u8))
        {
            return SeenAction;
        }

        return reader.ValueTextEquals("order_id"u8) ? SeenOrderId : 0;
    }

    private static GatewayError IntentError(SignalIntentProblem problem) => problem switch
    {
        SignalIntentProblem.LimitPriceRequired => GatewayError.LimitPriceRequired,
        SignalIntentProblem.StopPriceRequired => GatewayError.StopPriceRequired,
        SignalIntentProblem.LimitPriceNotAllowed => GatewayError.LimitPriceNotAllowed,
        SignalIntentProblem.StopPriceNotAllowed => GatewayError.StopPriceNotAllowed,
        SignalIntentProblem.PriceAndLimitPrice => GatewayError.PriceAndLimitPrice,
        SignalIntentProblem.None => GatewayError.None,
        _ => GatewayError.TakeProfitInvalid + (problem - SignalIntentProblem.TakeProfitInvalid), // appended in the same order (a test holds them together)
    };

    /// <summary>The intent problem an exit or action error stands for (the inverse of <see cref="IntentError"/> for those).</summary>
    internal static SignalIntentProblem IntentProblem(GatewayError error) => SignalIntentProblem.TakeProfitInvalid + (error - GatewayError.TakeProfitInvalid);

    private GatewayError ReadSymbol(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return GatewayError.SymbolNotString;
        }

        if (IsUndecodable(ref reader))
        {
            return GatewayError.InvalidText;
        }

        if (reader.ValueSpan.Length > MaxSymbolChars * 6)
        {
            return GatewayError.SymbolUnknown;
        }

        Span<char> raw = stackalloc char[MaxSymbolChars * 6];
        int length = reader.CopyString(raw);
        ReadOnlySpan<char> trimmed = raw[..length].Trim();
        Span<char> upper = stackalloc char[MaxSymbolChars];
        if (trimmed.Length is 0 or > MaxSymbolChars)
        {
            return GatewayError.SymbolUnknown;
        }

        int upperLength = trimmed.ToUpperInvariant(upper);
        return _symbols.TryGetId(upper[..upperLength], out signal.SymbolId) ? GatewayError.None : GatewayError.SymbolUnknown;
    }

    private GatewayError ReadSide(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 24)
        {
            reader.Skip();
            return GatewayError.SideInvalid;
        }

        if (IsUndecodable(ref reader))
        {
            return GatewayError.InvalidText;
        }

        Span<char> raw = stackalloc char[24];
        ReadOnlySpan<char> side = raw[..reader.CopyString(raw)].Trim();
        if (side.Equals("BUY", StringComparison.OrdinalIgnoreCase))
        {
            signal.Side = Side.Buy;
            return GatewayError.None;
        }

        if (side.Equals("SELL", StringComparison.OrdinalIgnoreCase))
        {
            signal.Side = Side.Sell;
            return GatewayError.None;
        }

        return GatewayError.SideInvalid;
    }

    private static GatewayError ReadConfidence(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return GatewayError.ConfidenceNotNumber;
        }

        if (!reader.TryGetDecimal(out decimal confidence) || !SignalLimits.IsValidConfidence(confidence))
        {
            return GatewayError.ConfidenceOutOfRange;
        }

        signal.ConfidencePpm = SignalLimits.ToConfidencePpm(confidence);
        return GatewayError.None;
    }

    /// <summary>A price (limit or stop; 0 or null = none) into <paramref name="raw"/>.</summary>
    private static GatewayError ReadPrice(ref Utf8JsonReader reader, ref long raw, GatewayError notNumber, GatewayError outOfRange)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None; // absent: at market
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return notNumber;
        }

        // Exact: the decimal is the number as written (1e400 or 1e-400 do not fit and are refused).
        if (!reader.TryGetDecimal(out decimal price) || !SignalLimits.IsValidPrice(price))
        {
            return outOfRange;
        }

        raw = FixedPoint.FromDecimal(price);
        return GatewayError.None;
    }

    private static GatewayError ReadOrderType(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None; // absent: the prices decide
        }

        Span<char> raw = stackalloc char[24];
        if (!TryCopyShortString(ref reader, raw, out int length) || !SignalIntentRules.TryParseOrderType(raw[..length], out signal.Intent.OrderType))
        {
            return GatewayError.OrderTypeInvalid;
        }

        signal.OrderTypeGiven = true;
        return GatewayError.None;
    }

    private static GatewayError ReadTif(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None; // absent: day
        }

        Span<char> raw = stackalloc char[24];
        return TryCopyShortString(ref reader, raw, out int length) && SignalIntentRules.TryParseTif(raw[..length], out signal.Intent.Tif)
            ? GatewayError.None
            : GatewayError.TifInvalid;
    }

    private static GatewayError ReadQuantity(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None; // absent: sizing decides
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return GatewayError.QuantityInvalid;
        }

        if (!reader.TryGetDecimal(out decimal quantity) || !SignalIntentRules.IsValidQuantity(quantity))
        {
            return GatewayError.QuantityInvalid;
        }

        signal.QuantityShares = quantity; // into the symbol's units once the whole line (and so its symbol) is read
        return GatewayError.None;
    }

    /// <summary>A percent (0 or null = none) into millionths.</summary>
    private static GatewayError ReadPercent(ref Utf8JsonReader reader, ref int ppm, GatewayError invalid)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return invalid;
        }

        return reader.TryGetDecimal(out decimal percent) && SignalIntentRules.TryPercentToPpm(percent, out ppm) ? GatewayError.None : invalid;
    }

    private static GatewayError ReadAction(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None; // absent: a new order
        }

        Span<char> raw = stackalloc char[24];
        return TryCopyShortString(ref reader, raw, out int length) && SignalIntentRules.TryParseAction(raw[..length], out signal.Intent.Action)
            ? GatewayError.None
            : GatewayError.ActionInvalid;
    }

    /// <summary>The engine's order id, as the answer wrote it (a string of digits) or as a whole number.</summary>
    private static GatewayError ReadOrderId(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None;
        }

        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out long id) || id is <= 0 or > SignalIntentRules.MaxOrderId)
            {
                return GatewayError.OrderIdInvalid;
            }

            signal.Intent.TargetOrderId = id;
            return GatewayError.None;
        }

        Span<char> raw = stackalloc char[24];
        return TryCopyShortString(ref reader, raw, out int length) && SignalIntentRules.TryParseOrderId(raw[..length], out signal.Intent.TargetOrderId)
            ? GatewayError.None
            : GatewayError.OrderIdInvalid;
    }

    /// <summary>A string token of at most <paramref name="into"/>'s length in bytes, unescaped into it; false for anything else (skipped).</summary>
    private static bool TryCopyShortString(ref Utf8JsonReader reader, scoped Span<char> into, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > into.Length)
        {
            reader.Skip();
            return false;
        }

        if (IsUndecodable(ref reader))
        {
            return false;
        }

        length = reader.CopyString(into);
        return true;
    }

    /// <summary>A string copied (unescaped) into <paramref name="buffer"/>; null counts as absent.</summary>
    private static GatewayError ReadText(ref Utf8JsonReader reader, char[] buffer, int maxChars, GatewayError notString, GatewayError tooLong, out int length)
    {
        length = 0;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return notString;
        }

        if (IsUndecodable(ref reader))
        {
            return GatewayError.InvalidText;
        }

        if (reader.ValueSpan.Length > buffer.Length)
        {
            return tooLong; // each character takes at least one byte: the text cannot fit
        }

        length = reader.CopyString(buffer);
        if (length > maxChars)
        {
            length = 0;
            return tooLong;
        }

        if (!SignalLimits.IsSafeText(buffer.AsSpan(0, length)))
        {
            length = 0;
            return GatewayError.UnsafeText; // would forge log lines (SignalLimits.IsUnsafeTextChar)
        }

        return GatewayError.None;
    }

    private GatewayError ReadSource(ref Utf8JsonReader reader, out int length)
    {
        GatewayError problem = ReadText(ref reader, _source, SignalLimits.MaxSourceLength, GatewayError.SourceNotString, GatewayError.SourceInvalid, out length);
        if (problem == GatewayError.None && reader.TokenType == JsonTokenType.String && _source.AsSpan(0, length).IsWhiteSpace())
        {
            length = 0;
            return GatewayError.SourceInvalid;
        }

        return problem;
    }

    private static GatewayError ReadId(ref Utf8JsonReader reader, ref ParsedSignal signal)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return GatewayError.None;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return GatewayError.IdNotString;
        }

        if (IsUndecodable(ref reader))
        {
            return GatewayError.InvalidText; // echoed raw it would make an answer strict JSON readers cannot decode
        }

        if (reader.ValueSpan.Length > MaxIdBytes)
        {
            return GatewayError.IdTooLong;
        }

        signal.IdOffset = (int)reader.TokenStartIndex + 1; // after the opening quote
        signal.IdLength = reader.ValueSpan.Length;
        return GatewayError.None;
    }

    /// <summary>Whether the current string token holds an escape that decodes to no text (the reader would throw).</summary>
    private static bool IsUndecodable(ref Utf8JsonReader reader) => reader.ValueIsEscaped && JsonEscapes.HasLoneSurrogate(reader.ValueSpan);

    private static GatewayError SkipUnknown(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return GatewayError.None;
    }

    /// <summary>Reads to the end so trailing garbage is found (the reader throws on it).</summary>
    private static GatewayError Drain(ref Utf8JsonReader reader, GatewayError result)
    {
        reader.Skip();
        while (reader.Read())
        {
            reader.Skip();
        }

        return result;
    }

    private static GatewayError First(GatewayError current, GatewayError next) => current != GatewayError.None ? current : next;
}
