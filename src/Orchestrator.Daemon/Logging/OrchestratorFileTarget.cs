using System.Text;
using NLog;
using NLog.Layouts;
using NLog.Targets;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// NLog target <c>OrchestratorFile</c>: a <see cref="RollingLogFile"/> that NLog's lines (rendered
/// with the target's layout) and the audit thread's lines (<see cref="IAuditLineSink"/>, bytes
/// rendered without NLog) share. A JSON layout makes it a JSON-lines file for audit lines too.
/// Attributes: <c>fileName</c>, <c>archiveAboveSize</c> (bytes), <c>maxArchiveFiles</c>, <c>layout</c>;
/// it rolls every day as well.
/// </summary>
[Target(TypeName)]
public sealed class OrchestratorFileTarget : TargetWithLayout, IAuditLineSink
{
    public const string TypeName = "OrchestratorFile";

    private readonly object _encodeGate = new();
    private readonly StringBuilder _text = new(256);
    private byte[] _bytes = new byte[1024];
    private RollingLogFile? _file;

    /// <summary>The file (rendered once, when the target starts: <c>${gdc:item=logdir}</c> and the like).</summary>
    public Layout FileName { get; set; } = Layout.Empty;

    public long ArchiveAboveSize { get; set; } = LogSetup.RollingFileMaxBytes;

    public int MaxArchiveFiles { get; set; } = LogSetup.RollingFileArchives;

    public bool TakesJson => Layout is JsonLayout;

    /// <summary>The open file (null before the target starts or after it closes).</summary>
    public RollingLogFile? File => Volatile.Read(ref _file);

    public void AppendLine(ReadOnlySpan<byte> line) => Volatile.Read(ref _file)?.Append(line);

    public void FlushLines() => Volatile.Read(ref _file)?.Flush();

    protected override void InitializeTarget()
    {
        base.InitializeTarget();
        string path = FileName.Render(LogEventInfo.CreateNullEvent());
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new NLogConfigurationException($"target '{Name}' ({TypeName}): fileName is empty");
        }

        // Volatile: the audit thread sees the file once it is fully constructed.
        Volatile.Write(ref _file, new RollingLogFile(path, ArchiveAboveSize, MaxArchiveFiles));
    }

    protected override void Write(LogEventInfo logEvent)
    {
        RollingLogFile? file = Volatile.Read(ref _file);
        if (file is null)
        {
            return;
        }

        lock (_encodeGate)
        {
            _text.Clear();
            Layout.Render(logEvent, _text);
            _text.Append('\n');
            int count = 0;
            foreach (ReadOnlyMemory<char> chunk in _text.GetChunks())
            {
                int needed = count + Encoding.UTF8.GetMaxByteCount(chunk.Length);
                if (needed > _bytes.Length)
                {
                    Array.Resize(ref _bytes, Math.Max(needed, _bytes.Length * 2));
                }

                count += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(count));
            }

            file.Append(_bytes.AsSpan(0, count));
        }

        file.Flush(); // NLog's own lines are rare and the operator should see them at once
    }

    protected override void FlushAsync(NLog.Common.AsyncContinuation asyncContinuation)
    {
        Volatile.Read(ref _file)?.Flush();
        asyncContinuation(null);
    }

    protected override void CloseTarget()
    {
        Interlocked.Exchange(ref _file, null)?.Dispose();
        base.CloseTarget();
    }
}
