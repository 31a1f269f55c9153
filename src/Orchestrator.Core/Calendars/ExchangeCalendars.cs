namespace Orchestrator.Core.Calendars;

/// <summary>
/// The shipped calendars (embedded <c>Calendars/Data/*.calendar</c> files, each with a version line):
/// XKRX (Korea Exchange, Asia/Seoul) and XNYS (New York Stock Exchange, America/New_York), 2024–2027.
/// Nasdaq (XNAS) trades on the NYSE calendar. Each is read once, on first use, and shared.
/// </summary>
public static class ExchangeCalendars
{
    private static readonly Lazy<ExchangeCalendar> s_krx = new(() => Load("XKRX"));
    private static readonly Lazy<ExchangeCalendar> s_nyse = new(() => Load("XNYS"));

    /// <summary>The exchanges with a shipped calendar (XNAS shares XNYS's).</summary>
    public static IReadOnlyList<string> Exchanges { get; } = ["XKRX", "XNYS", "XNAS"];

    /// <summary>The calendar of the exchange with this MIC; false for an exchange without one.</summary>
    public static bool TryGet(string exchange, out ExchangeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        switch (exchange.ToUpperInvariant())
        {
            case "XKRX":
                calendar = s_krx.Value;
                return true;
            case "XNYS":
            case "XNAS":
                calendar = s_nyse.Value;
                return true;
            default:
                calendar = null!;
                return false;
        }
    }

    /// <summary>
    /// The calendar of each symbol's exchange, indexed by symbol id (built once at start-up, read on the fast
    /// path); null for a symbol whose exchange has no shipped calendar.
    /// </summary>
    public static ExchangeCalendar?[] BySymbol(InstrumentTable instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var calendars = new ExchangeCalendar?[instruments.Count];
        for (int s = 0; s < calendars.Length; s++)
        {
            calendars[s] = TryGet(instruments[s].Exchange, out ExchangeCalendar calendar) ? calendar : null;
        }

        return calendars;
    }

    /// <summary>As <see cref="TryGet"/>; throws <see cref="ArgumentException"/> naming the exchange when none is shipped.</summary>
    public static ExchangeCalendar ForExchange(string exchange) =>
        TryGet(exchange, out ExchangeCalendar calendar)
            ? calendar
            : throw new ArgumentException("no exchange calendar is shipped for '" + exchange + "' (known: " + string.Join(", ", Exchanges) + ")", nameof(exchange));

    private static ExchangeCalendar Load(string mic)
    {
        string name = "Orchestrator.Core.Calendars.Data." + mic + ".calendar";
        using Stream stream = typeof(ExchangeCalendars).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("the embedded calendar " + name + " is missing from the build");
        using var reader = new StreamReader(stream);
        return ExchangeCalendar.Parse(reader.ReadToEnd(), mic + ".calendar");
    }
}
