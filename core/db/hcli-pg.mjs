const t0 = performance.now();
const c0 = process.cpuUsage();
const lap = (l) => {
  const c = process.cpuUsage(c0);
  console.log(l, Math.round(performance.now() - t0), 'ms wall', Math.round((c.user + c.system) / 1000), 'ms cpu');
};
const { PGlite } = await import('@electric-sql/pglite');
const pg = await PGlite.create({ dataDir: '/tmp/hcli-dd1/pg' });
lap('create');
await pg.query('select count(*) from workspaces');
await pg.close();
lap('close');
