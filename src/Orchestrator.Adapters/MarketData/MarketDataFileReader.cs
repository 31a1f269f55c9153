using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NLog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// Replays a recorded CSV or JSON-lines file (<see cref="MarketDataFileFormat"/>) as
/// <see cref="MarketTick"/>s, streaming line by line. Symbols go through a
/// <see cref="SymbolTable"/>, or are collected as they come in a <see cref="DiscoveredSymbols"/>.
/// </summary>
/// <remarks>
/// <para>Configuration errors throw when the reader is constructed: a missing file, an unknown
/// extension, an empty CSV file, a CSV header without the required columns (the message names
/// the file and the columns). Bad data never throws: a malformed line is skipped and counted in
/// <see cref="Rejected"/> (the first <see cref="MaxLoggedRejects"/> logged at Warn with file and
/// line), a line for a symbol not in the table is skipped and counted in
/// <see cref="UnknownSymbol"/>, a timestamp earlier than the previous tick's is still emitted and
/// counted in <see cref="OutOfOrder"/> (warned once). Every non-blank data line ends up in exactly
/// one of <see cref="TicksProduced"/>, <see cref="Rejected"/> and <see cref="UnknownSymbol"/>.</para>
/// <para>Allocates nothing per line (issue 20): the file is decoded into one reused character
/// buffer and lines are cut from it as spans; CSV fields stay spans; prices and sizes are parsed
/// straight into fixed point (<see cref="FixedPointText"/>, exactly the values
/// <c>decimal.TryParse</c> and <see cref="FixedPoint.FromDecimal"/> gave); a lower-case symbol is
/// upper-cased into a stack buffer; a JSON line is read by a <see cref="Utf8JsonReader"/> over reused
/// buffers. Only a rejected line's reason, a JSON line off the plain path (bad JSON, a value of
/// another type) or an unusual number (an exponent, a long fraction) costs an allocation.</para>
/// <para>Not thread-safe: one thread pulls (a feed's). Counters are updated on that thread; read
/// them from elsewhere once reading is over (for example after the feed's Completion). The
/// file is closed at its end or on <see cref="Dispose"/>.</para>
/// </remarks>
public sealed class MarketDataFileReader : IMarketDataSource, IDisposable
{
    /// <summary>Rejected lines logged individually per file; the rest are only counted.</summary>
    public const int MaxLoggedRejects = 10;

    /// <summary>Distinct unknown symbols logged per file; the rest are only counted.</summary>
    public const int MaxLoggedUnknownSymbols = 10;

    private const int FieldTimestamp = 0;
    private const int FieldSymbol = 1;
    private const int FieldOpen = 2;
    private const int FieldHigh = 3;
    private const int FieldLow = 4;
    private const int FieldClose = 5;
    private const int FieldVolume = 6;
    private const int FieldPrice = 7;
    private const int FieldSize = 8;
    private const int FieldBid = 9;
    private const int FieldAsk = 10;
    private const int FieldBidSize = 11;
    private const int FieldAskSize = 12;
    private const int FieldCount = 13;

    private static readonly Logger s_defaultLogger = LogManager.GetLogger("Orchestrator.MarketData");
    private static readonly string[] s_fieldNames =
        ["timestamp", "symbol", "open", "high", "low", "close", "volume", "price", "size", "bid", "ask", "bid_size", "ask_size"];

    private static readonly int[] s_barFields = [FieldTimestamp, FieldSymbol, FieldOpen, FieldHigh, FieldLow, FieldClose, FieldVolume];
    private static readonly int[] s_tickFields = [FieldTimestamp, FieldSymbol, FieldPrice, FieldSize];

    // The largest whole-unit value whose raw form fits a long.
    private static readonly decimal s_maxValue = decimal.Truncate(FixedPoint.ToDecimal(long.MaxValue));

    private const int MaxStackSymbol = 64;

    private readonly SymbolTable? _symbols;
    private readonly DiscoveredSymbols? _discovered;
    private readonly Logger _logger;
    private readonly string _fileName;
    private readonly ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[FieldCount];
    private readonly int[] _columnFields = [];
    private readonly bool _csvHoldsBars;
    private readonly HashSet<string> _loggedUnknownSymbols = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _loggedUnknownLookup;
    private StreamReader? _reader;
    private char[] _buffer = new char[1 << 16];
    private byte[] _jsonBytes = [];
    private char[] _jsonChars = [];
    private int _position;
    private int _length;
    private bool _endOfFile;
    private long _lineNumber;
    private long _lastTsEventNs;
    private bool _hasLast;
    private string _reason = string.Empty;

    /// <summary>Opens <paramref name="path"/>, choosing the format by extension (see <see cref="DetectFormat"/>).</summary>
    public MarketDataFileReader(string path, SymbolTable symbols, Logger? logger = null)
        : this(path, symbols, DetectFormat(path), logger)
    {
    }

    /// <summary>Opens <paramref name="path"/> in the given format and, for CSV, reads and checks the header.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A CSV file is empty or its header lacks required columns or repeats one.</exception>
    public MarketDataFileReader(string path, SymbolTable symbols, MarketDataFileFormat format, Logger? logger = null)
        : this(path, format, logger, symbols ?? throw new ArgumentNullException(nameof(symbols)), null)
    {
    }

    /// <summary>
    /// Opens <paramref name="path"/> (format by extension) accepting every symbol: each new one is
    /// added to <paramref name="symbols"/> (upper case, ids in order of first appearance) when its
    /// first good line is read, so <see cref="UnknownSymbol"/> stays 0. For loading a file whose
    /// symbols are not known beforehand (a backtest, an import) in one pass.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A CSV file is empty or its header lacks required columns or repeats one.</exception>
    public MarketDataFileReader(string path, DiscoveredSymbols symbols, Logger? logger = null)
        : this(path, DetectFormat(path), logger, null, symbols ?? throw new ArgumentNullException(nameof(symbols)))
    {
    }

    private MarketDataFileReader(string path, MarketDataFileFormat format, Logger? logger, SymbolTable? symbols, DiscoveredSymbols? discovered)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = path;
        Format = format;
        _symbols = symbols;
        _discovered = discovered;
        _logger = logger ?? s_defaultLogger;
        _fileName = Path.GetFileName(path);
        _loggedUnknownLookup = _loggedUnknownSymbols.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("Market data file '" + path + "' does not exist.", path);
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 1 << 16,
            Options = FileOptions.SequentialScan,
        };
        _reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, options);
        if (format == MarketDataFileFormat.Csv)
        {
            try
            {
                _columnFields = ReadCsvHeader(out _csvHoldsBars);
            }
            catch
            {
                _reader.Dispose();
                throw;
            }
        }
    }

    public string FilePath { get; }

    public MarketDataFileFormat Format { get; }

    /// <summary>The number of the line last read (1-based, blank lines and the header counted): after <see cref="TryGetNext"/>, the returned tick's line.</summary>
    public long LineNumber => _lineNumber;

    /// <summary>Non-blank data lines read (the CSV header excluded).</summary>
    public long LinesRead { get; private set; }

    /// <summary>Ticks handed out.</summary>
    public long TicksProduced { get; private set; }

    /// <summary>Malformed lines skipped.</summary>
    public long Rejected { get; private set; }

    /// <summary>Lines skipped because their symbol is not in the table.</summary>
    public long UnknownSymbol { get; private set; }

    /// <summary>Ticks whose timestamp is earlier than the previous tick's (still emitted).</summary>
    public long OutOfOrder { get; private set; }

    /// <summary><c>.csv</c> → CSV; <c>.jsonl</c> or <c>.ndjson</c> → JSON lines (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other extension.</exception>
    public static MarketDataFileFormat DetectFormat(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return TryDetectFormat(path, out MarketDataFileFormat format)
            ? format
            : throw new ArgumentException("Market data file '" + path + "': " + UnsupportedExtension(path) + ".", nameof(path));
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as market data before opening it (no such file, or
    /// an extension that names no format), or null: for a command line's one-line error.
    /// </summary>
    public static string? PathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return Directory.Exists(path) ? $"'{path}' is a directory, not a file" : $"file '{path}' does not exist";
        }

        return TryDetectFormat(path, out _) ? null : $"'{path}': {UnsupportedExtension(path)}";
    }

    private static bool TryDetectFormat(string path, out MarketDataFileFormat format)
    {
        string extension = Path.GetExtension(path);
        bool csv = extension.Equals(".csv", StringComparison.OrdinalIgnoreCase);
        bool jsonLines = extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase);
        format = csv ? MarketDataFileFormat.Csv : MarketDataFileFormat.JsonLines;
        return csv || jsonLines;
    }

    private static string UnsupportedExtension(string path) =>
        $"unsupported extension '{Path.GetExtension(path)}' (expected .csv, .jsonl or .ndjson)";

    /// <summary>Reads a whole file into memory (tests, small files, tools); the reader's counters are logged, not returned.</summary>
    public static List<MarketTick> ReadAll(string path, SymbolTable symbols, Logger? logger = null)
    {
        using var reader = new MarketDataFileReader(path, symbols, logger);
        var ticks = new List<MarketTick>();
        while (reader.TryGetNext(out MarketTick tick))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    /// <summary>The next good tick, skipping (and counting) bad lines; <c>false</c> at the end of the file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    public bool TryGetNext(out MarketTick tick)
    {
        while (_reader is not null)
        {
            if (!TryReadLine(out ReadOnlyMemory<char> line))
            {
                FinishFile();
                break;
            }

            _lineNumber++;
            if (line.Span.IsWhiteSpace())
            {
                continue;
            }

            LinesRead++;
            bool parsed = Format == MarketDataFileFormat.Csv ? TryParseCsvLine(line) : TryParseJsonLine(line);
            if (!parsed)
            {
                Reject();
                continue;
            }

            if (TryBuildTick(out tick))
            {
                return true;
            }
        }

        tick = default;
        return false;
    }

    /// <summary>
    /// The next line of the decoded buffer, without its end (<c>\n</c>, <c>\r\n</c> or a lone
    /// <c>\r</c>, as <see cref="StreamReader.ReadLine"/>); valid until the next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TryReadLine(out ReadOnlyMemory<char> line)
    {
        while (true)
        {
            ReadOnlySpan<char> pending = _buffer.AsSpan(_position, _length - _position);
            int end = pending.IndexOfAny('\r', '\n');
            if (end >= 0 && (pending[end] == '\n' || end + 1 < pending.Length || _endOfFile))
            {
                line = _buffer.AsMemory(_position, end);
                _position += end + (pending[end] == '\r' && end + 1 < pending.Length && pending[end + 1] == '\n' ? 2 : 1);
                return true;
            }

            if (_endOfFile)
            {
                line = _buffer.AsMemory(_position, pending.Length);
                _position = _length;
                return pending.Length > 0;
            }

            Fill();
        }
    }

    /// <summary>Moves the unread rest to the buffer's start (growing it for a line longer than the buffer) and reads more.</summary>
    private void Fill()
    {
        int rest = _length - _position;
        if (rest == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_position > 0)
        {
            _buffer.AsSpan(_position, rest).CopyTo(_buffer);
        }

        _position = 0;
        _length = rest;
        int read = _reader!.Read(_buffer, _length, _buffer.Length - _length);
        _length += read;
        _endOfFile = read == 0;
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }

    private static int FieldIndex(ReadOnlySpan<char> name)
    {
        for (int i = 0; i < s_fieldNames.Length; i++)
        {
            if (name.Equals(s_fieldNames[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static ReadOnlyMemory<char> Unquote(ReadOnlyMemory<char> value)
    {
        value = value.Trim();
        ReadOnlySpan<char> span = value.Span;
        return span.Length >= 2 && span[0] == '"' && span[^1] == '"' ? value[1..^1].Trim() : value;
    }

    /// <summary>Ticks if the names include price; otherwise bars if they include open, high, low or close; otherwise ticks.</summary>
    private static bool HoldsBars(ReadOnlySpan<bool> present) =>
        !present[FieldPrice] && (present[FieldOpen] || present[FieldHigh] || present[FieldLow] || present[FieldClose]);

    private int[] ReadCsvHeader(out bool holdsBars)
    {
        string? header = null;
        while (TryReadLine(out ReadOnlyMemory<char> line))
        {
            _lineNumber++;
            if (!line.Span.IsWhiteSpace())
            {
                header = line.ToString();
                break;
            }
        }

        if (header is null)
        {
            throw new InvalidDataException("Market data file '" + FilePath + "' is empty: a CSV file needs a header line. " + DescribeColumns());
        }

        string[] columns = header.Split(',');
        int[] fields = new int[columns.Length];
        bool[] present = new bool[FieldCount];
        for (int c = 0; c < columns.Length; c++)
        {
            int field = FieldIndex(Unquote(columns[c].AsMemory()).Span);
            fields[c] = field;
            if (field < 0)
            {
                continue;
            }

            if (present[field])
            {
                throw new InvalidDataException(
                    "Market data file '" + FilePath + "': the header names column '" + s_fieldNames[field] + "' twice.");
            }

            present[field] = true;
        }

        holdsBars = HoldsBars(present);
        var missing = new List<string>();
        foreach (int field in holdsBars ? s_barFields : s_tickFields)
        {
            if (!present[field])
            {
                missing.Add(s_fieldNames[field]);
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidDataException(
                "Market data file '" + FilePath + "': the header is missing required column(s) " + string.Join(", ", missing) + ". " + DescribeColumns());
        }

        return fields;
    }

    private static string DescribeColumns() =>
        "Tick files need timestamp, symbol, price, size (bid, ask, bid_size, ask_size optional); "
        + "bar files need timestamp, symbol, open, high, low, close, volume.";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TryParseCsvLine(ReadOnlyMemory<char> line)
    {
        Array.Clear(_values);
        ReadOnlySpan<char> text = line.Span;
        int columns = _columnFields.Length;
        int column = 0;
        int start = 0;
        while (true)
        {
            int comma = text[start..].IndexOf(',');
            int end = comma < 0 ? text.Length : start + comma;
            if (column < columns && _columnFields[column] >= 0)
            {
                // Unquote on offsets: one slice of the line per kept field, no Memory-level trims.
                int first = start;
                int last = end;
                if (first < last && (IsTrimmed(text[first]) || IsTrimmed(text[last - 1])))
                {
                    TrimBounds(text, ref first, ref last);
                    if (last - first >= 2 && text[first] == '"' && text[last - 1] == '"')
                    {
                        first++;
                        last--;
                        TrimBounds(text, ref first, ref last);
                    }
                }

                _values[_columnFields[column]] = line.Slice(first, last - first);
            }

            column++;
            if (comma < 0)
            {
                break;
            }

            start = end + 1;
        }

        if (column != columns)
        {
            _reason = "expected " + columns.ToString(CultureInfo.InvariantCulture) + " columns, found " + column.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        return true;
    }

    /// <summary>Whether a field's edge character may need <see cref="Unquote"/>'s work: white space or a quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTrimmed(char c) => c == '"' || char.IsWhiteSpace(c);

    /// <summary><c>ReadOnlyMemory.Trim</c> on offsets: moves <paramref name="first"/> and <paramref name="last"/> (exclusive) past white space.</summary>
    private static void TrimBounds(ReadOnlySpan<char> text, ref int first, ref int last)
    {
        while (first < last && char.IsWhiteSpace(text[first]))
        {
            first++;
        }

        while (last > first && char.IsWhiteSpace(text[last - 1]))
        {
            last--;
        }
    }

    /// <summary>
    /// One JSON object: read with a <see cref="Utf8JsonReader"/> over the line's bytes into reused
    /// buffers (no allocation); anything off the plain path (bad JSON, not an object, a value that is
    /// neither number nor string nor null) goes to <see cref="TryParseJsonDocument"/>, which gives
    /// the reason exactly as before.
    /// </summary>
    private bool TryParseJsonLine(ReadOnlyMemory<char> line)
    {
        ReadOnlySpan<char> chars = line.Span;
        int maxBytes = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (_jsonBytes.Length < maxBytes)
        {
            _jsonBytes = new byte[Math.Max(maxBytes, _jsonBytes.Length * 2)];
        }

        int count = Encoding.UTF8.GetBytes(chars, _jsonBytes);
        if (_jsonChars.Length < count)
        {
            _jsonChars = new char[Math.Max(count, _jsonChars.Length * 2)];
        }

        return TryReadJsonObject(_jsonBytes.AsSpan(0, count)) || TryParseJsonDocument(line);
    }

    /// <summary>The plain path of <see cref="TryParseJsonLine"/>: true when the line was read, false to leave it to the document.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TryReadJsonObject(ReadOnlySpan<byte> bytes)
    {
        Array.Clear(_values);
        var reader = new Utf8JsonReader(bytes, isFinalBlock: true, state: default);
        int used = 0; // of _jsonChars: unescaped names and values, never more than the line's bytes
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return !reader.Read(); // nothing may follow the object
                }

                int nameLength = reader.CopyString(_jsonChars.AsSpan(used));
                int field = FieldIndex(_jsonChars.AsSpan(used, nameLength));
                if (!reader.Read())
                {
                    return false;
                }

                if (field < 0)
                {
                    reader.Skip();
                    continue;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        int length = reader.CopyString(_jsonChars.AsSpan(used));
                        _values[field] = _jsonChars.AsMemory(used, length).Trim();
                        used += length;
                        break;
                    case JsonTokenType.Number when !reader.HasValueSequence:
                        ReadOnlySpan<byte> raw = reader.ValueSpan;
                        for (int i = 0; i < raw.Length; i++)
                        {
                            _jsonChars[used + i] = (char)raw[i]; // a number's text is ASCII
                        }

                        _values[field] = _jsonChars.AsMemory(used, raw.Length);
                        used += raw.Length;
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryParseJsonDocument(ReadOnlyMemory<char> line)
    {
        Array.Clear(_values);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            _reason = "bad JSON: " + exception.Message;
            return false;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                _reason = "bad JSON: expected an object";
                return false;
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                int field = FieldIndex(property.Name);
                if (field < 0)
                {
                    continue;
                }

                JsonElement value = property.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        _values[field] = (value.GetString() ?? string.Empty).AsMemory().Trim();
                        break;
                    case JsonValueKind.Number:
                        _values[field] = value.GetRawText().AsMemory();
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        _reason = s_fieldNames[field] + ": expected a number or a string";
                        return false;
                }
            }
        }

        return true;
    }

    /// <summary>Turns the current line's values into a tick: false when rejected or the symbol is unknown (both counted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TryBuildTick(out MarketTick tick)
    {
        tick = default;
        bool bars = _csvHoldsBars;
        if (Format == MarketDataFileFormat.JsonLines)
        {
            Span<bool> present = stackalloc bool[FieldCount];
            for (int field = 0; field < FieldCount; field++)
            {
                present[field] = !_values[field].IsEmpty;
            }

            bars = HoldsBars(present);
        }

        if (Format == MarketDataFileFormat.JsonLines && !bars && _values[FieldPrice].IsEmpty)
        {
            return Reject("neither price (a tick) nor open/high/low/close (a bar)");
        }

        foreach (int field in bars ? s_barFields : s_tickFields)
        {
            if (_values[field].IsEmpty)
            {
                return Reject(s_fieldNames[field] + ": missing");
            }
        }

        // The symbol as the table keeps it: trimmed (Unquote did) and upper case, in a stack buffer.
        ReadOnlySpan<char> written = _values[FieldSymbol].Span;
        scoped ReadOnlySpan<char> symbol = written;
        Span<char> upper = stackalloc char[MaxStackSymbol];
        if (Ascii.IsValid(written) && written.IndexOfAnyInRange('a', 'z') < 0)
        {
            // Already upper case (the usual file): the field itself, no copy.
        }
        else if (symbol.Length <= MaxStackSymbol)
        {
            symbol = upper[..written.ToUpperInvariant(upper)];
        }
        else
        {
            symbol = symbol.ToString().ToUpperInvariant();
        }

        int symbolId = -1; // a discovered symbol's id is given once its line proves good
        if (_symbols is not null && !_symbols.TryGetId(symbol, out symbolId))
        {
            CountUnknownSymbol(written);
            return false;
        }

        if (_discovered is not null && !_discovered.TryGetId(symbol, out symbolId))
        {
            symbolId = -1;
        }

        if (!MarketDataTimestamp.TryParseNs(_values[FieldTimestamp].Span, out long tsEventNs))
        {
            return Reject("timestamp: '" + _values[FieldTimestamp].ToString() + "' is neither ISO-8601 nor an epoch number (s, ms, µs or ns by magnitude)");
        }

        tick.SymbolId = symbolId;
        tick.TsEventNs = tsEventNs;
        if (bars)
        {
            if (!TryPrice(FieldOpen, out tick.OpenRaw) || !TryPrice(FieldHigh, out tick.HighRaw)
                || !TryPrice(FieldLow, out tick.LowRaw) || !TryPrice(FieldClose, out tick.PriceRaw)
                || !TrySize(FieldVolume, out tick.Size))
            {
                return Reject();
            }

            if (tick.HighRaw < tick.LowRaw)
            {
                return Reject("high < low");
            }

            if (tick.OpenRaw < tick.LowRaw || tick.OpenRaw > tick.HighRaw || tick.PriceRaw < tick.LowRaw || tick.PriceRaw > tick.HighRaw)
            {
                return Reject("open or close outside low..high");
            }

            tick.Kind = EventKind.Bar;
        }
        else
        {
            if (!TryPrice(FieldPrice, out tick.PriceRaw) || !TrySize(FieldSize, out tick.Size)
                || !TryPrice(FieldBid, out tick.BidRaw, allowZero: true) || !TryPrice(FieldAsk, out tick.AskRaw, allowZero: true)
                || !TrySize(FieldBidSize, out tick.BidSize) || !TrySize(FieldAskSize, out tick.AskSize))
            {
                return Reject();
            }

            tick.Kind = EventKind.TradeTick;
        }

        if (_hasLast && tsEventNs < _lastTsEventNs)
        {
            OutOfOrder++;
            if (OutOfOrder == 1)
            {
                _logger.Warn(
                    "Market data file {File} line {Line}: timestamp {TsEventNs} is earlier than the previous tick's {PreviousTsEventNs}; out-of-order ticks are emitted and counted, this warning is not repeated",
                    _fileName,
                    _lineNumber,
                    tsEventNs,
                    _lastTsEventNs);
            }
        }

        if (symbolId < 0)
        {
            tick.SymbolId = _discovered!.Add(symbol);
        }

        _lastTsEventNs = tsEventNs;
        _hasLast = true;
        TicksProduced++;
        return true;
    }

    /// <summary>A price: absent → 0; otherwise a decimal, positive (or zero when <paramref name="allowZero"/>), within range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TryPrice(int field, out long raw, bool allowZero = false)
    {
        raw = 0;
        ReadOnlySpan<char> text = _values[field].Span;
        if (text.IsEmpty)
        {
            return true;
        }

        if (!FixedPointText.TryParsePrice(text, out raw))
        {
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value > s_maxValue || value < -s_maxValue)
            {
                _reason = s_fieldNames[field] + ": '" + text.ToString() + "' is not a number in range";
                return false;
            }

            raw = FixedPoint.FromDecimal(value);
        }

        if (raw < 0 || (raw == 0 && !allowZero))
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + (allowZero ? "' is negative" : "' is not positive");
            return false;
        }

        return true;
    }

    /// <summary>A size: absent → 0; otherwise a whole, non-negative number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private bool TrySize(int field, out long size)
    {
        size = 0;
        ReadOnlySpan<char> text = _values[field].Span;
        if (text.IsEmpty || FixedPointText.TryParseWhole(text, out size))
        {
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value > long.MaxValue || value < long.MinValue)
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + "' is not a number in range";
            return false;
        }

        if (value < 0)
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + "' is negative";
            return false;
        }

        if (value != decimal.Truncate(value))
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + "' is not a whole number";
            return false;
        }

        size = (long)value;
        return true;
    }

    private bool Reject(string reason)
    {
        _reason = reason;
        return Reject();
    }

    /// <summary>Counts the current line as rejected for <see cref="_reason"/>, logging the first few. Always false.</summary>
    private bool Reject()
    {
        Rejected++;
        if (Rejected <= MaxLoggedRejects)
        {
            _logger.Warn("Market data file {File} line {Line} skipped: {Reason}", _fileName, _lineNumber, _reason);
            if (Rejected == MaxLoggedRejects)
            {
                _logger.Warn("Market data file {File}: further malformed lines are counted but not logged", _fileName);
            }
        }

        return false;
    }

    private void CountUnknownSymbol(ReadOnlySpan<char> symbol)
    {
        UnknownSymbol++;
        if (_loggedUnknownSymbols.Count < MaxLoggedUnknownSymbols && !_loggedUnknownLookup.Contains(symbol) && _loggedUnknownSymbols.Add(symbol.ToString()))
        {
            _logger.Warn("Market data file {File} line {Line}: symbol {Symbol} is not configured; its lines are skipped", _fileName, _lineNumber, symbol.ToString());
        }
    }

    private void FinishFile()
    {
        Dispose();
        _logger.Info(
            "Market data file {File} done: {Lines} lines, {Ticks} ticks, {Rejected} rejected, {UnknownSymbol} unknown symbol, {OutOfOrder} out of order",
            _fileName,
            LinesRead,
            TicksProduced,
            Rejected,
            UnknownSymbol,
            OutOfOrder);
    }
}
