using System.Globalization;
using System.Text;
using System.Text.Json;
using NLog;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>
/// The reader as it was before issue 20 (one string per line, <c>decimal.TryParse</c> per field),
/// kept verbatim as the oracle the span-based <see cref="MarketDataFileReader"/> must agree with.
/// </summary>
internal sealed class LegacyMarketDataFileReader : IDisposable
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

    private readonly SymbolTable _symbols;
    private readonly Logger _logger;
    private readonly string _fileName;
    private readonly ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[FieldCount];
    private readonly int[] _columnFields = [];
    private readonly bool _csvHoldsBars;
    private readonly HashSet<string> _loggedUnknownSymbols = new(StringComparer.Ordinal);
    private StreamReader? _reader;
    private long _lineNumber;
    private long _lastTsEventNs;
    private bool _hasLast;
    private string _reason = string.Empty;

    /// <summary>Opens <paramref name="path"/>, choosing the format by extension (see <see cref="DetectFormat"/>).</summary>
    public LegacyMarketDataFileReader(string path, SymbolTable symbols, Logger? logger = null)
        : this(path, symbols, DetectFormat(path), logger)
    {
    }

    /// <summary>Opens <paramref name="path"/> in the given format and, for CSV, reads and checks the header.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A CSV file is empty or its header lacks required columns or repeats one.</exception>
    public LegacyMarketDataFileReader(string path, SymbolTable symbols, MarketDataFileFormat format, Logger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(symbols);
        FilePath = path;
        Format = format;
        _symbols = symbols;
        _logger = logger ?? s_defaultLogger;
        _fileName = Path.GetFileName(path);
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
                _columnFields = ReadCsvHeader(_reader, out _csvHoldsBars);
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
        using var reader = new LegacyMarketDataFileReader(path, symbols, logger);
        var ticks = new List<MarketTick>();
        while (reader.TryGetNext(out MarketTick tick))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    /// <summary>The next good tick, skipping (and counting) bad lines; <c>false</c> at the end of the file.</summary>
    public bool TryGetNext(out MarketTick tick)
    {
        StreamReader? reader = _reader;
        while (reader is not null)
        {
            string? line = reader.ReadLine();
            if (line is null)
            {
                FinishFile();
                break;
            }

            _lineNumber++;
            if (line.AsSpan().IsWhiteSpace())
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

    private int[] ReadCsvHeader(StreamReader reader, out bool holdsBars)
    {
        string? header;
        do
        {
            header = reader.ReadLine();
            _lineNumber++;
        }
        while (header is not null && header.AsSpan().IsWhiteSpace());

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

    private bool TryParseCsvLine(string line)
    {
        Array.Clear(_values);
        int columns = _columnFields.Length;
        int column = 0;
        int start = 0;
        while (true)
        {
            int comma = line.IndexOf(',', start);
            int end = comma < 0 ? line.Length : comma;
            if (column < columns && _columnFields[column] >= 0)
            {
                _values[_columnFields[column]] = Unquote(line.AsMemory(start, end - start));
            }

            column++;
            if (comma < 0)
            {
                break;
            }

            start = comma + 1;
        }

        if (column != columns)
        {
            _reason = "expected " + columns.ToString(CultureInfo.InvariantCulture) + " columns, found " + column.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        return true;
    }

    private bool TryParseJsonLine(string line)
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

        ReadOnlySpan<char> symbol = _values[FieldSymbol].Span;
        if (!_symbols.TryGetId(symbol, out int symbolId) && !_symbols.TryGetId(symbol.ToString(), out symbolId))
        {
            CountUnknownSymbol(symbol);
            return false;
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

        _lastTsEventNs = tsEventNs;
        _hasLast = true;
        TicksProduced++;
        return true;
    }

    /// <summary>A price: absent → 0; otherwise a decimal, positive (or zero when <paramref name="allowZero"/>), within range.</summary>
    private bool TryPrice(int field, out long raw, bool allowZero = false)
    {
        raw = 0;
        ReadOnlySpan<char> text = _values[field].Span;
        if (text.IsEmpty)
        {
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value > s_maxValue || value < -s_maxValue)
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + "' is not a number in range";
            return false;
        }

        raw = FixedPoint.FromDecimal(value);
        if (raw < 0 || (raw == 0 && !allowZero))
        {
            _reason = s_fieldNames[field] + ": '" + text.ToString() + (allowZero ? "' is negative" : "' is not positive");
            return false;
        }

        return true;
    }

    /// <summary>A size: absent → 0; otherwise a whole, non-negative number.</summary>
    private bool TrySize(int field, out long size)
    {
        size = 0;
        ReadOnlySpan<char> text = _values[field].Span;
        if (text.IsEmpty)
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
        if (_loggedUnknownSymbols.Count < MaxLoggedUnknownSymbols && _loggedUnknownSymbols.Add(symbol.ToString()))
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
