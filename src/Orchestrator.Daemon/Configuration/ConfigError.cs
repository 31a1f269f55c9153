namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// One configuration problem: the file, the key path and what is wrong, rendered as
/// <c>config/risk_management.yaml: max_daily_loss: must be between 0 and 1, got 3</c>
/// (with <c>:line:column</c> after the file when the position is known).
/// </summary>
public sealed record ConfigError(string File, string KeyPath, string Message, int Line = 0, int Column = 0)
{
    public override string ToString()
    {
        string where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return KeyPath.Length == 0 ? $"{where}: {Message}" : $"{where}: {KeyPath}: {Message}";
    }

    /// <summary>The first line of a library's message: a problem is reported on one line.</summary>
    internal static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        return (newline < 0 ? message : message[..newline]).TrimEnd('\r');
    }
}
