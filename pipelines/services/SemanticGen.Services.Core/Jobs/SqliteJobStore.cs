using Microsoft.Data.Sqlite;

namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// <see cref="IJobStore"/> in one SQLite file (WAL journal, every change its own transaction), so jobs and activity
/// completions survive a crash of the process. Table <c>jobs</c> holds the records, <c>activities</c> one row per
/// (job, activity) that completed; its primary key makes the first recorded output the only one.
/// </summary>
public sealed class SqliteJobStore : IJobStore
{
    private readonly string _connectionString;

    /// <summary>A store in <paramref name="databasePath"/> (created with its folder and schema when missing).</summary>
    public SqliteJobStore(string databasePath, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, DefaultTimeout = 30 }.ToString();
        Clock = clock ?? TimeProvider.System;
        DatabasePath = full;
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY, request TEXT NOT NULL, status TEXT NOT NULL, stage TEXT, progress REAL NOT NULL,
                error TEXT, result TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, attempts INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS activities (
                job_id TEXT NOT NULL, activity TEXT NOT NULL, output TEXT NOT NULL, completed_at TEXT NOT NULL,
                PRIMARY KEY (job_id, activity));
            """);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    private TimeProvider Clock { get; }

    /// <inheritdoc />
    public Task AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var connection = Open();
        Execute(connection,
            "INSERT INTO jobs VALUES ($id, $request, $status, $stage, $progress, $error, $result, $created, $updated, $attempts)",
            ("$id", job.Id), ("$request", JobJson.Serialize(job.Request)), ("$status", job.Status.ToString()),
            ("$stage", job.Stage), ("$progress", job.Progress), ("$error", job.Error),
            ("$result", job.Result is null ? null : JobJson.Serialize(job.Result)),
            ("$created", job.CreatedAt.ToString("O")), ("$updated", job.UpdatedAt.ToString("O")), ("$attempts", job.Attempts));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        return Task.FromResult(Query(connection, "SELECT * FROM jobs WHERE id = $id", ("$id", id)).SingleOrDefault());
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        IReadOnlyList<JobRecord> jobs = Query(connection,
            "SELECT * FROM jobs WHERE status IN ('Accepted', 'Running') ORDER BY created_at, id");
        return Task.FromResult(jobs);
    }

    /// <inheritdoc />
    public Task MarkRunningAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        Execute(connection,
            "UPDATE jobs SET status = 'Running', attempts = attempts + 1, updated_at = $now WHERE id = $id AND status IN ('Accepted', 'Running')",
            ("$id", id), ("$now", Now()));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReportProgressAsync(string id, string stage, double progress, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        Execute(connection,
            "UPDATE jobs SET stage = $stage, progress = $progress, updated_at = $now WHERE id = $id AND status IN ('Accepted', 'Running')",
            ("$id", id), ("$stage", stage), ("$progress", Math.Clamp(progress, 0, 1)), ("$now", Now()));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CompleteAsync(string id, JobStatus status, JobResult? result, string? error, CancellationToken cancellationToken = default)
    {
        if (!status.IsTerminal())
            throw new ArgumentException($"{status} is not a terminal status.", nameof(status));
        using var connection = Open();
        Execute(connection, """
            UPDATE jobs SET status = $status, result = $result, error = $error, updated_at = $now,
                progress = CASE WHEN $status = 'Succeeded' THEN 1.0 ELSE progress END
            WHERE id = $id AND status IN ('Accepted', 'Running')
            """,
            ("$id", id), ("$status", status.ToString()), ("$result", result is null ? null : JobJson.Serialize(result)),
            ("$error", error), ("$now", Now()));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> GetActivityOutputAsync(string id, string activity, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT output FROM activities WHERE job_id = $id AND activity = $activity",
            ("$id", id), ("$activity", activity));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    /// <inheritdoc />
    public Task RecordActivityAsync(string id, string activity, string output, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        Execute(connection, "INSERT OR IGNORE INTO activities VALUES ($id, $activity, $output, $now)",
            ("$id", id), ("$activity", activity), ("$output", output), ("$now", Now()));
        return Task.CompletedTask;
    }

    private string Now() => Clock.GetUtcNow().ToString("O");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static List<JobRecord> Query(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var jobs = new List<JobRecord>();
        while (reader.Read())
        {
            jobs.Add(new JobRecord(
                reader.GetString(0),
                JobJson.Deserialize<JobRequest>(reader.GetString(1)),
                Enum.Parse<JobStatus>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : JobJson.Deserialize<JobResult>(reader.GetString(6)),
                DateTimeOffset.Parse(reader.GetString(7), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(reader.GetString(8), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetInt32(9)));
        }

        return jobs;
    }
}
