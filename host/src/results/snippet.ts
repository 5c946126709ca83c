/**
 * The conversion snippet for the marketer's site: keeps the nh_click token the redirect appended (localStorage,
 * first party), and `neonhub.convert({ id, value })` sends it with a beacon as text/plain (a CORS-safelisted
 * request: no preflight, no cookies). Without a token it sends nothing.
 */
export function snippetSource(endpoint: string): string {
  return `(function(){var K='nh_click',E=${JSON.stringify(endpoint)},t=null;
try{t=new URL(location.href).searchParams.get(K);if(t)localStorage.setItem(K,t);else t=localStorage.getItem(K);}catch(e){}
window.neonhub={convert:function(o){o=o||{};if(!t)return false;var b=JSON.stringify({click:t,id:o.id,value:o.value});
if(navigator.sendBeacon&&navigator.sendBeacon(E,new Blob([b],{type:'text/plain'})))return true;
fetch(E,{method:'POST',body:b,headers:{'content-type':'text/plain'},credentials:'omit',keepalive:true}).catch(function(){});return true;}};})();
`;
}
