import createClient from 'openapi-fetch';
import type { paths } from './schema.d.ts';

// The README shows this file as it is; the type check keeps it true to the API document.
const api = createClient<paths>({ baseUrl: 'http://localhost:3000' });
const token = process.env.TOKEN ?? '';

const { data, error, response } = await api.GET('/cases/{id}', {
  params: { path: { id: 'CW-5SADRT' } }, // the id or the case number
  headers: { authorization: `Bearer ${token}` },
});
if (error)
  console.error(response.status, error); // a problem+json, typed per status
else console.log(data.status, data.sla.firstResponse.dueAt, response.headers.get('etag'));
